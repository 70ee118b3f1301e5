// SPDX-License-Identifier: MIT
// Settings apply once the component is complete; active starts and stops; a client
// reconnects when its server restarts; listen errors are reported.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "Lifecycle"

    Component {
        id: serverComponent
        SocketServer {
            id: lifeServer
            address: "127.0.0.1"
            port: 0
            authKey: "life"
            encryption: false
            active: true
            property var pendingReply: null
            SocketHandler { name: "echo"; handleRequest: (data, client) => data }
            // Deactivate the server in the middle of a request, then answer in various ways.
            SocketHandler {
                name: "stop"
                handleRequest: (data, client) => {
                    const reply = data === "defer" ? client.deferReply() : null
                    lifeServer.active = false
                    switch (data) {
                    case "promise": return Promise.resolve("late")
                    case "defer": lifeServer.pendingReply = reply; return undefined
                    case "send": return client.send("extra", 1) ? "sent" : "not sent"
                    case "throw": throw "stopped"
                    }
                    return "bye"
                }
            }
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    function startServer(properties) {
        const server = createTemporaryObject(serverComponent, testCase, properties || {})
        tryVerify(() => server.listening, 5000, server.errorString)
        return server
    }

    function test_settingsApplyAfterCompletion() {
        const server = startServer()
        // "active" comes first, the settings it needs later: the client must still use them all.
        const client = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketClient {
                active: true
                maxReconnectAttempts: 0
                encryption: false
                authKey: "life"
                url: "${server.url}"
                authData: ({ order: "late" })
            }`, testCase)
        tryCompare(client, "status", SocketClient.Connected, 5000)
        compare(server.clients.get(0).metadata, { order: "late" })
        compare(client.reconnectAttempt, 0)
        client.destroy()
        tryCompare(server, "clientCount", 0)
    }

    function test_activeToggles() {
        const server = startServer()
        const client = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketClient { encryption: false; authKey: "life"; maxReconnectAttempts: 0 }`, testCase)
        client.url = server.url
        wait(50)
        compare(client.status, SocketClient.Disconnected, "an inactive client does not connect")
        compare(server.clientCount, 0)
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        tryCompare(server, "clientCount", 1)
        client.active = false
        compare(client.status, SocketClient.Disconnected)
        compare(client.statusText, "Disconnected")
        tryCompare(server, "clientCount", 0)
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        client.destroy()

        server.active = false
        verify(!server.listening)
        compare(server.serverPort, 0)
        server.active = true
        tryVerify(() => server.listening)
    }

    function test_reconnectAfterServerRestart() {
        let server = startServer()
        const port = server.serverPort
        const client = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketClient { encryption: false; authKey: "life"; reconnectBaseDelay: 50; reconnectMaxDelay: 200 }`,
            testCase)
        client.url = server.url
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const reconnecting = spy(client, "reconnecting")
        const reconnected = spy(client, "reconnected")
        const resumed = spy(client, "resumed")
        verify(resumed.valid)
        const disconnected = spy(client, "disconnected")

        server.destroy()
        tryCompare(disconnected, "count", 1, 5000)
        tryCompare(client, "status", SocketClient.Reconnecting, 5000)
        verify(client.statusText.startsWith("Reconnecting (attempt "), client.statusText)
        verify(reconnecting.count >= 1)
        verify(client.reconnectAttempt >= 1)

        server = startServer({ port: port })
        tryCompare(reconnected, "count", 1, 10000)
        compare(client.status, SocketClient.Connected)
        compare(client.reconnectAttempt, 0)
        compare(resumed.count, 0) // a restarted server holds no session: a new one
        const messages = spy(client, "messageReceived")
        verify(client.send("echo", "back again"))
        tryCompare(messages, "count", 1)
        compare(messages.signalArguments[0][1], "back again")
        client.destroy()
    }

    function test_giveUpReconnecting() {
        const server = startServer()
        const client = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketClient { encryption: false; authKey: "life"; reconnectBaseDelay: 10; reconnectMaxDelay: 20; maxReconnectAttempts: 1 }`,
            testCase)
        client.url = server.url
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const failed = spy(client, "reconnectFailed")
        server.active = false
        tryCompare(failed, "count", 1, 10000)
        compare(failed.signalArguments[0][0], 1)
        compare(client.status, SocketClient.Error)
        compare(client.error, SocketClient.ReconnectFailed)
        verify(client.statusText.startsWith("Error: Gave up reconnecting"), client.statusText)
        client.destroy()
    }

    function test_deactivateDuringRequest_data() {
        return [{ tag: "value" }, { tag: "promise" }, { tag: "defer" }, { tag: "send" }, { tag: "throw" }]
    }
    function test_deactivateDuringRequest(data) {
        const server = startServer()
        const client = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketClient { encryption: false; authKey: "life"; maxReconnectAttempts: 0 }`, testCase)
        client.url = server.url
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const disconnected = spy(client, "disconnected")
        const messages = spy(client, "messageReceived")
        verify(client.send("stop", data.tag))
        tryCompare(disconnected, "count", 1, 5000)
        compare(disconnected.signalArguments[0][0], 1012) // the server shut down: service restart
        verify(!server.listening)
        compare(server.clientCount, 0)
        compare(server.clients.count, 0)
        if (data.tag === "defer") {
            verify(server.pendingReply !== null)
            verify(!server.pendingReply.resolve("too late"), "the client is gone")
        }
        wait(100) // let deferred deletions and the promise job run
        compare(messages.count, 0)
        // The server starts again and serves.
        server.active = true
        tryVerify(() => server.listening, 5000, server.errorString)
        client.active = false
        client.url = server.url
        client.active = true
        tryCompare(client, "status", SocketClient.Connected, 5000)
        verify(client.send("echo", "again"))
        tryCompare(messages, "count", 1)
        client.destroy()
    }

    function test_listenError() {
        const first = startServer()
        const second = createTemporaryObject(serverComponent, testCase, { port: first.serverPort })
        const errors = spy(second, "errorOccurred")
        tryCompare(second, "error", SocketServer.ListenError)
        verify(!second.listening)
        verify(second.errorString.indexOf(String(first.serverPort)) >= 0, second.errorString)
    }

    function test_missingAuthHandlerIsNotAProblem() {
        // The built-in auth handler is used when none is declared.
        const server = startServer()
        verify(server.listening)
        compare(server.error, SocketServer.NoError)
    }
}
