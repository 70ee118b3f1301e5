// SPDX-License-Identifier: MIT
// A QML server and QML clients in one test: auth, echo, broadcast, sendToByMeta, the
// client model and QML-declared handlers, each with encryption on and off.
import QtQuick
import QtQml.Models
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "ClientServer"

    Component {
        id: serverComponent
        SocketServer {
            id: server
            address: "127.0.0.1"
            port: 0
            authKey: "test-key"
            active: true
            property var pendingReply: null

            SocketHandler {
                name: "echo"
                handleRequest: (data, client) => data
            }
            SocketHandler {
                name: "sum"
                handleRequest: (data, client) => data.reduce((total, n) => total + n, 0)
            }
            SocketHandler {
                name: "whoami"
                handleRequest: (data, client) => ({ id: client.clientId, meta: client.metadata })
            }
            SocketHandler {
                name: "later"
                handleRequest: (data, client) => { server.pendingReply = client.deferReply() }
            }
            SocketHandler {
                name: "promise"
                handleRequest: (data, client) => new Promise(resolve => resolve(data * 2))
            }
            SocketHandler {
                name: "join"
                handleRequest: (data, client) => ({ joined: client.join(data), rooms: client.rooms() })
            }
            SocketHandler {
                name: "open"
                skipAuth: true
                handleRequest: (data, client) => "open to all"
            }
        }
    }

    Component {
        id: clientComponent
        SocketClient {
            authKey: "test-key"
            maxReconnectAttempts: 0
            property alias echoHandler: echo
            SocketHandler { id: echo; name: "echo" }
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    Component {
        id: modelReader
        Instantiator {
            delegate: QtObject {
                required property double clientId
                required property string address
                required property bool authenticated
                required property var metadata
            }
        }
    }

    function startServer(encryption, properties) {
        const server = createTemporaryObject(serverComponent, testCase,
                                             Object.assign({ encryption: encryption }, properties || {}))
        verify(server)
        tryVerify(() => server.listening, 5000, "server listening: " + server.errorString)
        verify(server.serverPort > 0)
        compare(String(server.url), "ws://127.0.0.1:" + server.serverPort)
        return server
    }

    function connectClient(server, properties) {
        const client = createTemporaryObject(clientComponent, testCase, Object.assign({
            url: server.url,
            encryption: server.encryption,
            active: true
        }, properties || {}))
        verify(client)
        tryCompare(client, "status", SocketClient.Connected, 5000)
        return client
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    function encryptionRows() {
        return [{ tag: "encrypted", encryption: true }, { tag: "plain", encryption: false }]
    }

    function test_authAndEcho_data() { return encryptionRows() }
    function test_authAndEcho(data) {
        const server = startServer(data.encryption)
        const authenticated = spy(server, "clientAuthenticated")
        const client = createTemporaryObject(clientComponent, testCase, {
            url: server.url, encryption: data.encryption, authData: { nickname: "ada" }, active: true
        })
        const clientAuth = spy(client, "authenticated")
        tryCompare(client, "status", SocketClient.Connected, 5000)
        compare(client.statusText, "Connected")
        compare(clientAuth.count, 1)
        compare(clientAuth.signalArguments[0][0], "success")
        tryCompare(authenticated, "count", 1)
        compare(authenticated.signalArguments[0][0].metadata.nickname, "ada")

        const messages = spy(client, "messageReceived")
        const serverMessages = spy(server, "messageReceived")
        const echoed = spy(client.echoHandler, "responseReceived")
        const values = [
            { text: "hello", n: 42, f: 3.5, yes: true, no: false, nothing: null, list: [1, "two", [3], { four: 4 }] },
            [1, "two", true, null, { nested: { deeper: ["x"] } }],
            "ünïcödé ✓", 0, -17.25, true, false, {}, []
            // (not null: the protocol sends nothing back for a null handler result)
        ]
        for (let i = 0; i < values.length; ++i) {
            verify(client.send("echo", values[i]))
            tryCompare(echoed, "count", i + 1)
            compare(echoed.signalArguments[i][0], values[i], "echo of " + JSON.stringify(values[i]))
        }
        compare(messages.count, values.length)
        compare(messages.signalArguments[0][0], "echo")
        compare(client.error, SocketClient.NoError)
        // The server reports requests past the auth gate only, and never the auth request.
        compare(serverMessages.count, values.length)
        verify(serverMessages.signalArguments.every(args => args[1] === "echo"))
        compare(serverMessages.signalArguments[0][0].clientId, 1)
        compare(server.error, SocketServer.NoError)
    }

    function test_qmlHandlers_data() { return encryptionRows() }
    function test_qmlHandlers(data) {
        const server = startServer(data.encryption)
        const client = connectClient(server, { authData: { room: "blue" } })
        const messages = spy(client, "messageReceived")

        verify(client.send("sum", [1, 2, 3, 4.5]))
        tryCompare(messages, "count", 1)
        compare(messages.signalArguments[0][0], "sum")
        compare(messages.signalArguments[0][1], 10.5)

        verify(client.send("whoami"))
        tryCompare(messages, "count", 2)
        compare(messages.signalArguments[1][1], { id: 1, meta: { room: "blue" } })

        // A reply given later through client.deferReply().
        verify(client.send("later", { n: 7 }))
        tryVerify(() => server.pendingReply !== null)
        verify(server.pendingReply.pending)
        compare(server.pendingReply.request, "later")
        wait(50)
        compare(messages.count, 2, "nothing is sent before the reply is resolved")
        verify(server.pendingReply.resolve({ late: true }))
        verify(!server.pendingReply.pending)
        verify(!server.pendingReply.resolve("twice"), "a reply resolves once")
        tryCompare(messages, "count", 3)
        compare(messages.signalArguments[2][0], "later")
        compare(messages.signalArguments[2][1], { late: true })

        // A reply given by a Promise.
        verify(client.send("promise", 21))
        tryCompare(messages, "count", 4)
        compare(messages.signalArguments[3][0], "promise")
        compare(messages.signalArguments[3][1], 42)
    }

    function test_broadcastAndMeta_data() { return encryptionRows() }
    function test_broadcastAndMeta(data) {
        const server = startServer(data.encryption)
        const blue = connectClient(server, { authData: { room: "blue" } })
        const red = connectClient(server, { authData: { room: "red" } })
        const blueMessages = spy(blue, "messageReceived")
        const redMessages = spy(red, "messageReceived")
        tryCompare(server, "clientCount", 2)

        compare(server.broadcast("news", { text: "hi all" }), 2)
        tryCompare(blueMessages, "count", 1)
        tryCompare(redMessages, "count", 1)
        compare(blueMessages.signalArguments[0][0], "news")
        compare(redMessages.signalArguments[0][1], { text: "hi all" })

        compare(server.sendToByMeta("room", "red", "roomOnly", [1, 2]), 1)
        tryCompare(redMessages, "count", 2)
        compare(redMessages.signalArguments[1][1], [1, 2])

        const blueId = server.clients.get(0).clientId
        verify(server.sendTo(blueId, "direct", "for blue"))
        tryCompare(blueMessages, "count", 2)
        compare(blueMessages.signalArguments[1][1], "for blue")
        wait(50)
        compare(redMessages.count, 2)
        compare(blueMessages.count, 2)
        verify(!server.sendTo(999, "direct", "nobody"))
    }

    // Rooms (issue 10): joined from a handler and from the server object, messaged with
    // sendToRoom(), left explicitly and on disconnect.
    function test_rooms() {
        const server = startServer(true)
        const blue = connectClient(server, { authData: { room: "blue" } })
        const red = connectClient(server, { authData: { room: "red" } })
        const blueMessages = spy(blue, "messageReceived")
        const redMessages = spy(red, "messageReceived")
        tryCompare(server, "clientCount", 2)
        const blueId = server.clients.get(0).clientId
        const redId = server.clients.get(1).clientId

        verify(blue.send("join", "lobby"))
        tryCompare(blueMessages, "count", 1)
        compare(blueMessages.signalArguments[0][1], { joined: true, rooms: ["lobby"] })
        verify(server.join(redId, "lobby"))
        verify(!server.join(999, "lobby"))
        compare(server.members("lobby"), [blueId, redId].sort((a, b) => a - b))
        compare(server.rooms(redId), ["lobby"])

        compare(server.sendToRoom("lobby", "room", { n: 1 }, [blueId]), 1)
        tryCompare(redMessages, "count", 1)
        compare(redMessages.signalArguments[0][1], { n: 1 })
        compare(server.sendToRoom("lobby", "room", { n: 2 }, []), 2)
        tryCompare(redMessages, "count", 2)
        tryCompare(blueMessages, "count", 2)
        compare(blueMessages.signalArguments[1][1], { n: 2 }, "the one excepted before got only this one")

        verify(server.leave(redId, "lobby"))
        verify(!server.leave(redId, "lobby"))
        compare(server.members("lobby"), [blueId])
        blue.active = false
        tryCompare(server, "clientCount", 1)
        compare(server.members("lobby"), [])
    }

    function test_clientModel_data() { return encryptionRows() }
    function test_clientModel(data) {
        const server = startServer(data.encryption)
        const disconnected = spy(server, "clientDisconnected")
        const first = connectClient(server, { authData: { nickname: "ada" } })
        const second = connectClient(server, { authData: { nickname: "bob", level: 3 } })
        tryCompare(server.clients, "count", 2)

        const reader = createTemporaryObject(modelReader, testCase, { model: server.clients })
        tryCompare(reader, "count", 2)
        compare(reader.objectAt(0).clientId, 1)
        compare(reader.objectAt(0).address, "127.0.0.1")
        verify(reader.objectAt(0).authenticated)
        compare(reader.objectAt(0).metadata, { nickname: "ada" })
        compare(reader.objectAt(1).metadata, { nickname: "bob", level: 3 })

        // Metadata set from QML shows in the model.
        verify(server.client(2).setMetadataValue("level", 4))
        tryCompare(reader.objectAt(1).metadata, "level", 4)

        first.active = false
        tryCompare(server.clients, "count", 1)
        tryCompare(disconnected, "count", 1)
        compare(disconnected.signalArguments[0][0], 1)
        compare(reader.count, 1)
        compare(reader.objectAt(0).clientId, 2)
        compare(first.status, SocketClient.Disconnected)
    }

    function test_qmlAuthHandler_data() { return encryptionRows() }
    function test_qmlAuthHandler(data) {
        const server = startServer(data.encryption)
        const auth = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketHandler {
                name: "auth"
                handleRequest: (data, client) => {
                    if (data.authKey !== "test-key" || data.user === "mallory")
                        return false
                    client.setMetadataValue("user", data.user)
                    return { hello: data.user }
                }
            }`, testCase)
        // Restart the server with the QML auth handler replacing the built-in one.
        server.active = false
        server.handlers.push(auth)
        server.active = true
        tryVerify(() => server.listening)

        const ada = createTemporaryObject(clientComponent, testCase, {
            url: server.url, encryption: data.encryption, authData: { user: "ada" }, active: true
        })
        const adaAuth = spy(ada, "authenticated")
        tryCompare(ada, "status", SocketClient.Connected, 5000)
        compare(adaAuth.signalArguments[0][0], { hello: "ada" })
        compare(server.clients.get(0).metadata.user, "ada")

        // A rejection is final: the client closes normally (1000) and does not
        // reconnect, even though it is allowed to reconnect forever.
        const mallory = createTemporaryObject(clientComponent, testCase, {
            url: server.url, encryption: data.encryption, authData: { user: "mallory" },
            maxReconnectAttempts: -1, reconnectBaseDelay: 10, reconnectMaxDelay: 20, active: true
        })
        const malloryErrors = spy(mallory, "errorOccurred")
        const malloryClosed = spy(mallory, "disconnected")
        const malloryReconnecting = spy(mallory, "reconnecting")
        tryCompare(malloryErrors, "count", 1, 5000)
        compare(mallory.error, SocketClient.AuthenticationRejected)
        tryCompare(malloryClosed, "count", 1, 5000)
        compare(malloryClosed.signalArguments[0][0], 1000)
        // The C++ client is Disconnected; the QML status says it stopped because of the error.
        tryCompare(mallory, "status", SocketClient.Error)
        verify(mallory.statusText.startsWith("Error: "), mallory.statusText)
        wait(200) // several reconnect delays
        compare(malloryReconnecting.count, 0)
        compare(mallory.reconnectAttempt, 0)
        compare(mallory.status, SocketClient.Error)
        tryCompare(server, "clientCount", 1) // only ada
        verify(!mallory.send("open"))
        compare(mallory.error, SocketClient.NotConnected)
        auth.destroy()
    }

    function test_wrongKey_data() { return encryptionRows() }
    function test_wrongKey(data) {
        const server = startServer(data.encryption)
        const client = createTemporaryObject(clientComponent, testCase, {
            url: server.url, encryption: data.encryption, authKey: "wrong", active: true
        })
        const closed = spy(client, "disconnected")
        tryCompare(closed, "count", 1, 5000)
        if (data.encryption) {
            // The global key comes from the auth key: the server cannot even decrypt the request.
            compare(closed.signalArguments[0][0], 1007)
        } else {
            compare(closed.signalArguments[0][0], 4001)
            compare(closed.signalArguments[0][1], "invalid auth key")
        }
        tryCompare(client, "status", SocketClient.Disconnected)
        compare(server.clientCount, 0)
    }
}
