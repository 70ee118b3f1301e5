// SPDX-License-Identifier: MIT
// SocketServer keeps its clients in one registry, its client model: client(),
// clientCount, the model's rows, the handlers' client argument and the server's
// signals all agree, at every moment.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "ClientRegistry"

    Component {
        id: serverComponent
        SocketServer {
            id: server
            address: "127.0.0.1"
            port: 0
            authKey: "registry"
            encryption: false
            active: true
            property var seen: []         // what onClientConnected saw
            property var gone: []         // what onClientDisconnected saw
            property var handlerClient: null

            onClientConnected: client => seen.push({
                id: client.clientId,
                count: clientCount,
                rows: clients.count,
                found: server.client(client.clientId) === client,
                last: clients.get(clients.count - 1) === client
            })
            onClientDisconnected: (clientId, code, reason) => gone.push({
                id: clientId,
                count: clientCount,
                rows: clients.count,
                found: server.client(clientId) !== null
            })
            SocketHandler {
                name: "who"
                handleRequest: (data, client) => { server.handlerClient = client; return client.clientId }
            }
        }
    }

    Component {
        id: clientComponent
        SocketClient {
            authKey: "registry"
            encryption: false
            maxReconnectAttempts: 0
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    function connectClient(server) {
        const client = createTemporaryObject(clientComponent, testCase, { url: server.url, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        return client
    }

    function checkConsistent(server) {
        const model = server.clients
        compare(server.clientCount, model.count)
        let previous = 0
        for (let row = 0; row < model.count; ++row) {
            const client = model.get(row)
            verify(client.clientId > previous, "rows in client id order")
            previous = client.clientId
            verify(server.client(client.clientId) === client)
            compare(model.data(model.index(row, 0), SocketClientModel.ClientIdRole), client.clientId)
            verify(model.data(model.index(row, 0), SocketClientModel.ConnectionRole) === client)
        }
        verify(model.get(model.count) === null)
        verify(model.get(-1) === null)
    }

    function test_oneRegistry() {
        const server = createTemporaryObject(serverComponent, testCase)
        tryVerify(() => server.listening, 5000, server.errorString)
        const countChanged = spy(server, "clientCountChanged")
        const rowsChanged = spy(server.clients, "countChanged")

        const a = connectClient(server)
        const b = connectClient(server)
        const c = connectClient(server)
        tryCompare(server, "clientCount", 3)
        checkConsistent(server)
        compare(countChanged.count, 3)
        compare(rowsChanged.count, 3)
        // While clientConnected ran, the new client was already registered, and last.
        compare(server.seen.length, 3)
        for (let i = 0; i < 3; ++i) {
            compare(server.seen[i].count, i + 1)
            compare(server.seen[i].rows, i + 1)
            verify(server.seen[i].found)
            verify(server.seen[i].last)
        }

        // A handler gets the registry's object for its client.
        const answers = spy(b, "messageReceived")
        verify(b.send("who"))
        tryCompare(answers, "count", 1)
        const bId = answers.signalArguments[0][1]
        verify(server.handlerClient === server.client(bId))
        verify(server.handlerClient === server.clients.get(1))

        // A client that leaves is gone from everything by the time it is reported.
        b.active = false
        tryCompare(server, "clientCount", 2)
        compare(server.gone.length, 1)
        compare(server.gone[0].id, bId)
        compare(server.gone[0].count, 2)
        compare(server.gone[0].rows, 2)
        verify(!server.gone[0].found)
        verify(server.client(bId) === null)
        checkConsistent(server)
        compare(countChanged.count, 4)

        // Stopping empties it.
        server.active = false
        compare(server.clientCount, 0)
        compare(server.clients.count, 0)
        compare(server.gone.length, 3)
        compare(countChanged.count, 6)
        checkConsistent(server)
    }

    function test_restartStartsAnEmptyRegistry() {
        const server = createTemporaryObject(serverComponent, testCase)
        tryVerify(() => server.listening, 5000, server.errorString)
        const first = connectClient(server)
        tryCompare(server, "clientCount", 1)
        const firstId = server.clients.get(0).clientId
        server.active = false
        compare(server.clientCount, 0)
        verify(server.client(firstId) === null)
        server.port = server.serverPort // may be 0 again; any port does
        server.active = true
        tryVerify(() => server.listening, 5000, server.errorString)
        compare(server.clientCount, 0)
        const second = connectClient(server)
        tryCompare(server, "clientCount", 1)
        checkConsistent(server)
    }
}
