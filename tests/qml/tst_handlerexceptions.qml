// SPDX-License-Identifier: MIT
// Any exception from a QML handler means failure, whatever is thrown: a string, a
// number, an object, undefined, an Error, or a Promise rejected with any of them. For
// the auth handler that means: no response and no authentication (a thrown string is
// truthy and must never let a client in); for other handlers: no response. The handler
// and the server report the error.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "HandlerExceptions"

    // What the handlers do; set by each test row.
    property string mode: ""

    function misbehave() {
        switch (mode) {
        case "throw string": throw "denied"
        case "throw number": throw 42
        case "throw Error": throw new Error("denied")
        case "throw object": throw { code: 7, reason: "denied" }
        case "throw undefined": throw undefined
        case "throw null": throw null
        case "throw cyclic": { const o = {}; o.self = o; throw o }
        case "reject string": return Promise.reject("x")
        case "reject Error": return Promise.reject(new Error("x"))
        case "reject undefined": return Promise.reject(undefined)
        case "throwing then": return { get then() { throw "then denied" } }
        case "then throws": return { then: (resolve, reject) => { throw "then call denied" } }
        }
        return "accepted"
    }

    Component {
        id: authServerComponent
        SocketServer {
            address: "127.0.0.1"
            port: 0
            authKey: "exceptions"
            active: true
            property alias authHandler: auth
            SocketHandler { id: auth; name: "auth"; handleRequest: (data, client) => testCase.misbehave() }
            SocketHandler { name: "open"; skipAuth: true; handleRequest: (data, client) => "open to all" }
        }
    }

    Component {
        id: serverComponent
        SocketServer {
            address: "127.0.0.1"
            port: 0
            authKey: "exceptions"
            active: true
            property alias failingHandler: failing
            SocketHandler { name: "echo"; handleRequest: (data, client) => data }
            SocketHandler { id: failing; name: "fails"; handleRequest: (data, client) => testCase.misbehave() }
        }
    }

    Component {
        id: clientComponent
        SocketClient { authKey: "exceptions"; maxReconnectAttempts: 0 }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    function startServer(component, encryption) {
        const server = createTemporaryObject(component, testCase, { encryption: encryption })
        verify(server)
        tryVerify(() => server.listening, 5000, "server listening: " + server.errorString)
        return server
    }

    function cleanup() {
        mode = ""
    }

    function rows() {
        const modes = [
            { mode: "throw string", message: "denied" },
            { mode: "throw number", message: "42" },
            { mode: "throw Error", message: "Error: denied" },
            { mode: "throw object", message: '{"code":7,"reason":"denied"}' },
            { mode: "throw undefined", message: "undefined" },
            { mode: "throw null", message: "null" },
            { mode: "throw cyclic", message: "[object Object]" },
            { mode: "reject string", message: "x" },
            { mode: "reject Error", message: "Error: x" },
            { mode: "reject undefined", message: "undefined" },
            { mode: "throwing then", message: "then denied" },
            { mode: "then throws", message: "then call denied" },
        ]
        const result = []
        for (const encryption of [true, false]) {
            for (const m of modes)
                result.push({ tag: m.mode + (encryption ? " (encrypted)" : " (plain)"), mode: m.mode,
                              message: m.message, encryption: encryption })
        }
        return result
    }

    function test_authHandler_data() { return rows() }
    function test_authHandler(data) {
        const server = startServer(authServerComponent, data.encryption)
        const serverErrors = spy(server, "errorOccurred")
        const handlerErrors = spy(server.authHandler, "errorOccurred")
        const serverAuthenticated = spy(server, "clientAuthenticated")
        mode = data.mode

        const client = createTemporaryObject(clientComponent, testCase,
                                             { url: server.url, encryption: data.encryption, active: true })
        const authenticated = spy(client, "authenticated")
        const messages = spy(client, "messageReceived")
        tryCompare(handlerErrors, "count", 1, 5000)
        compare(server.authHandler.error, SocketHandler.ScriptError)
        verify(server.authHandler.errorString.endsWith(": " + data.message), server.authHandler.errorString)
        tryCompare(serverErrors, "count", 1)
        compare(server.error, SocketServer.HandlerError)
        compare(server.errorString, server.authHandler.errorString)

        wait(200) // a response, if one were (wrongly) sent, would have arrived by now
        compare(authenticated.count, 0, "the client must not be authenticated")
        compare(messages.count, 0, "no response may be sent")
        compare(serverAuthenticated.count, 0)
        verify(client.status !== SocketClient.Connected)
        compare(server.clientCount, 1)
        verify(!server.clients.get(0).authenticated)
    }

    function test_otherHandler_data() { return rows() }
    function test_otherHandler(data) {
        const server = startServer(serverComponent, data.encryption)
        const client = createTemporaryObject(clientComponent, testCase,
                                             { url: server.url, encryption: data.encryption, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        const serverErrors = spy(server, "errorOccurred")
        const handlerErrors = spy(server.failingHandler, "errorOccurred")
        const messages = spy(client, "messageReceived")
        mode = data.mode

        verify(client.send("fails", { x: 1 }))
        tryCompare(handlerErrors, "count", 1, 5000)
        compare(server.failingHandler.error, SocketHandler.ScriptError)
        verify(server.failingHandler.errorString.endsWith(": " + data.message), server.failingHandler.errorString)
        tryCompare(serverErrors, "count", 1)
        compare(server.error, SocketServer.HandlerError)

        // The connection goes on; the failed request got no response.
        verify(client.send("echo", "after"))
        tryCompare(messages, "count", 1)
        compare(messages.signalArguments[0][0], "echo")
        compare(messages.signalArguments[0][1], "after")
        compare(client.status, SocketClient.Connected)
    }

    function test_returnedValueStillWorks() {
        // The same handler without an exception answers, and authenticates.
        const server = startServer(authServerComponent, true)
        const client = createTemporaryObject(clientComponent, testCase, { url: server.url, active: true })
        const authenticated = spy(client, "authenticated")
        tryCompare(client, "status", SocketClient.Connected, 5000)
        compare(authenticated.signalArguments[0][0], "accepted")
        compare(server.error, SocketServer.NoError)
    }
}
