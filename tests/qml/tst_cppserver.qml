// SPDX-License-Identifier: MIT
// A QML client against the C++ SocketServer (started by the test runner's cppServer helper).
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "CppServer"

    Component {
        id: clientComponent
        SocketClient {
            authKey: "cpp-key"
            maxReconnectAttempts: 0
            property alias echoHandler: echo
            SocketHandler { id: echo; name: "echo" }
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    function cleanup() {
        cppServer.stop()
    }

    function test_echoAndBroadcast_data() {
        return [{ tag: "encrypted", encryption: true }, { tag: "plain", encryption: false }]
    }
    function test_echoAndBroadcast(data) {
        const url = cppServer.start(data.encryption, "cpp-key")
        verify(url.startsWith("ws://127.0.0.1:"), url)
        const client = createTemporaryObject(clientComponent, testCase, {
            url: url, encryption: data.encryption, authData: { device: "qml-1", tags: ["a", "b"] }, active: true
        })
        const authenticated = spy(client, "authenticated")
        tryCompare(client, "status", SocketClient.Connected, 5000)
        compare(authenticated.signalArguments[0][0], "welcome")
        compare(cppServer.metadata(1), { device: "qml-1", tags: ["a", "b"] })

        const echoed = spy(client.echoHandler, "responseReceived")
        const value = { n: 1.25, s: "text", list: [true, false, null], deep: { deeper: { deepest: [] } } }
        verify(client.send("echo", value))
        tryCompare(echoed, "count", 1)
        compare(echoed.signalArguments[0][0], value)

        const messages = spy(client, "messageReceived")
        compare(cppServer.broadcast("news", { headline: "from C++" }), 1)
        tryCompare(messages, "count", 1)
        compare(messages.signalArguments[0][0], "news")
        compare(messages.signalArguments[0][1], { headline: "from C++" })
    }

    function test_serverGoesAway() {
        const url = cppServer.start(true, "cpp-key")
        const client = createTemporaryObject(clientComponent, testCase, { url: url, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const closed = spy(client, "disconnected")
        cppServer.stop()
        tryCompare(closed, "count", 1, 5000)
        compare(closed.signalArguments[0][0], 1012) // service restart
        // maxReconnectAttempts is 0: the client stops.
        tryCompare(client, "status", SocketClient.Disconnected)
        verify(!client.send("echo", 1))
        compare(client.error, SocketClient.NotConnected)
    }
}
