// SPDX-License-Identifier: MIT
// The QML enums equal their C++ counterparts (SocketServer::Error, SocketClient::Error,
// SocketConfig::RateLimitPolicy), and no C++ value is missing on the QML side. A
// per-client rejection arrives as clientRejected() and leaves the server's error alone.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "Enums"

    Component {
        id: serverComponent
        SocketServer {
            address: "127.0.0.1"
            port: 0
            authKey: "enums"
            active: true
            SocketHandler { name: "echo"; handleRequest: (data, client) => data }
        }
    }

    Component {
        id: clientComponent
        SocketClient { authKey: "enums"; maxReconnectAttempts: 0 }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    // Every key of the C++ enum exists on the QML type with the same value.
    function compareWithCpp(qmlType, cppName, qmlOnly) {
        const cpp = cppServer.cppEnum(cppName)
        const keys = Object.keys(cpp)
        verify(keys.length > 1, cppName)
        for (const key of keys)
            compare(qmlType[key], cpp[key], cppName + "::" + key)
        for (const key of Object.keys(qmlOnly)) {
            compare(qmlType[key], qmlOnly[key], "QML-only " + key)
            verify(!keys.some(k => cpp[k] === qmlOnly[key]), key + " collides with a C++ value")
        }
    }

    function test_serverErrorMatchesCpp() {
        compareWithCpp(SocketServer, "SocketServer::Error", { InvalidData: 100 })
        // The values of the protocol's C++ enum, spelled out.
        compare(SocketServer.NoError, 0)
        compare(SocketServer.ConfigurationError, 1)
        compare(SocketServer.MissingAuthHandler, 2)
        compare(SocketServer.HandlerError, 3)
        compare(SocketServer.ListenError, 4)
        compare(SocketServer.CryptoError, 5)
        compare(SocketServer.InvalidMessage, 6)
        compare(SocketServer.Unauthenticated, 7)
        compare(SocketServer.LimitExceeded, 8)
        compare(SocketServer.Timeout, 9)
        compare(SocketServer.TlsError, 10)
    }

    function test_clientErrorMatchesCpp() {
        compareWithCpp(SocketClient, "SocketClient::Error", { InvalidData: 100 })
    }

    function test_rateLimitPolicyMatchesCpp() {
        compareWithCpp(SocketServer, "SocketConfig::RateLimitPolicy", {})
    }

    function test_messageTooBigLeavesServerErrorAlone() {
        const server = createTemporaryObject(serverComponent, testCase)
        tryVerify(() => server.listening, 5000, server.errorString)
        const serverErrors = spy(server, "errorOccurred")
        const client = createTemporaryObject(clientComponent, testCase, { url: server.url, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const closed = spy(client, "disconnected")

        // Above the default maxMessageSize of 1 MiB. (The C++ server does not report
        // the close Qt's WebSocket makes by itself through clientRejected; see
        // test_requestBeforeAuthIsAClientRejection for a rejection that it does report.)
        verify(client.send("echo", "x".repeat(1100 * 1024)))
        tryCompare(closed, "count", 1, 10000)
        compare(closed.signalArguments[0][0], 1009)
        compare(serverErrors.count, 0)
        compare(server.error, SocketServer.NoError)
        compare(server.errorString, "")
    }

    function test_requestBeforeAuthIsAClientRejection() {
        const server = createTemporaryObject(serverComponent, testCase, { active: false })
        // An auth handler that never answers keeps the client unauthenticated.
        const auth = Qt.createQmlObject(`
            import Stonyx.Sockets
            SocketHandler { name: "auth"; handleRequest: (data, client) => { client.deferReply() } }`, server)
        server.handlers.push(auth)
        server.active = true
        tryVerify(() => server.listening, 5000, server.errorString)
        const rejected = spy(server, "clientRejected")
        const serverErrors = spy(server, "errorOccurred")
        const received = spy(server, "messageReceived")
        const client = createTemporaryObject(clientComponent, testCase, { url: server.url, active: true })
        tryCompare(client, "status", SocketClient.Authenticating, 5000)
        tryCompare(server, "clientCount", 1)
        const closed = spy(client, "disconnected")

        verify(client.send("echo", "too early"))
        tryCompare(rejected, "count", 1, 5000)
        compare(rejected.signalArguments[0][0], 1)
        compare(rejected.signalArguments[0][1], SocketServer.Unauthenticated)
        verify(rejected.signalArguments[0][2].indexOf("echo") >= 0, rejected.signalArguments[0][2])
        tryCompare(closed, "count", 1, 5000)
        compare(closed.signalArguments[0][0], 1008)
        compare(received.count, 0, "messageReceived comes only after the auth gate")
        compare(serverErrors.count, 0)
        compare(server.error, SocketServer.NoError)
    }

    function test_rateLimitPolicyClose() {
        const server = createTemporaryObject(serverComponent, testCase, { rateLimitPolicy: SocketServer.Close })
        compare(server.rateLimitPolicy, SocketServer.Close)
        tryVerify(() => server.listening, 5000, server.errorString)
        const rejected = spy(server, "clientRejected")
        const client = createTemporaryObject(clientComponent, testCase, { url: server.url, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const closed = spy(client, "disconnected")
        // Far above the default burst of 200 messages.
        for (let i = 0; i < 600 && client.status === SocketClient.Connected; ++i)
            client.send("echo", i)
        tryCompare(rejected, "count", 1, 10000)
        compare(rejected.signalArguments[0][1], SocketServer.LimitExceeded)
        tryCompare(closed, "count", 1, 5000)
        compare(closed.signalArguments[0][0], 1008)
        compare(server.error, SocketServer.NoError)
    }

    function test_rateLimitPolicyDefault() {
        const server = createTemporaryObject(serverComponent, testCase, { active: false })
        compare(server.rateLimitPolicy, SocketServer.Throttle)
        const errors = spy(server, "errorOccurred")
        ignoreWarning(/Invalid rateLimitPolicy 7/)
        server.rateLimitPolicy = 7
        compare(errors.count, 1)
        compare(server.error, SocketServer.ConfigurationError)
        compare(server.rateLimitPolicy, SocketServer.Throttle)
    }

    function test_heartbeatTimeout() {
        const client = createTemporaryObject(clientComponent, testCase)
        compare(client.heartbeatTimeout, 0)
        client.heartbeatTimeout = 1500
        compare(client.heartbeatTimeout, 1500)
        client.heartbeatTimeout = -1
        client.url = "ws://127.0.0.1:1"
        client.active = true
        tryCompare(client, "status", SocketClient.Error)
        compare(client.error, SocketClient.ConfigurationError)
        verify(client.errorString.indexOf("heartBeatTimeout") >= 0, client.errorString)
    }
}
