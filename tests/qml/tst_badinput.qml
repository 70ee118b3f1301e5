// SPDX-License-Identifier: MIT
// Bad input from QML gives an error, never a crash: functions, cyclic objects,
// non-finite numbers, deep nesting, throwing handlers and invalid handler results.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "BadInput"

    SocketServer {
        id: server
        address: "127.0.0.1"
        port: 0
        authKey: "bad-input"
        encryption: true
        active: true
        SocketHandler { name: "echo"; handleRequest: (data, client) => data }
        SocketHandler { id: returnsFunction; name: "returnsFunction"; handleRequest: (data, client) => () => 1 }
        SocketHandler { id: returnsCycle; name: "returnsCycle"; handleRequest: (data, client) => { const o = {}; o.o = o; return o } }
        SocketHandler { id: throwing; name: "throws"; handleRequest: (data, client) => { throw new Error("boom") } }
        SocketHandler { id: noFunction; name: "noFunction" }
        SocketHandler { id: rejects; name: "rejects"; handleRequest: (data, client) => Promise.reject("no way") }
    }

    SocketClient {
        id: client
        url: server.url
        authKey: "bad-input"
        encryption: true
        maxReconnectAttempts: 0
        active: server.listening
    }

    SignalSpy { id: messages; target: client; signalName: "messageReceived" }
    SignalSpy { id: clientErrors; target: client; signalName: "errorOccurred" }

    Component {
        id: clientComponent
        SocketClient { authKey: "bad-input"; maxReconnectAttempts: 0 }
    }
    Component {
        id: serverComponent
        SocketServer { address: "127.0.0.1" }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }

    function initTestCase() {
        tryCompare(client, "status", SocketClient.Connected, 5000)
    }

    function init() {
        messages.clear()
        clientErrors.clear()
    }

    // After every rejected value the connection still works.
    function checkStillWorks() {
        compare(client.status, SocketClient.Connected)
        const before = messages.count
        verify(client.send("echo", "still alive"))
        tryCompare(messages, "count", before + 1)
        compare(messages.signalArguments[before][1], "still alive")
    }

    function cyclicArray() { const a = [1]; a.push(a); return a }
    function cyclicObject() { const o = { name: "loop" }; o.self = o; return o }
    function deepObject() { let o = {}; for (let i = 0; i < 300; ++i) o = { next: o }; return o }

    function test_rejected_data() {
        return [
            { tag: "function", value: function() { return 1 }, message: "data is a function" },
            { tag: "arrow function", value: () => 2, message: "data is a function" },
            { tag: "nested function", value: { a: { f: () => 3 } }, message: "data.a.f is a function" },
            { tag: "function in array", value: [1, Math.max], message: "data[1] is a function" },
            { tag: "cyclic object", value: cyclicObject(), message: "data.self refers back to itself" },
            { tag: "cyclic array", value: cyclicArray(), message: "data[1] refers back to itself" },
            { tag: "NaN", value: NaN, message: "data is NaN" },
            { tag: "Infinity", value: { x: Infinity }, message: "data.x is Infinity" },
            { tag: "QObject", value: server, message: "data is a QObject" },
            { tag: "too deep", value: deepObject(), message: "levels deep" },
        ]
    }
    function test_rejected(data) {
        ignoreWarning(new RegExp('Cannot send "echo": '))
        verify(!client.send("echo", data.value))
        compare(clientErrors.count, 1)
        compare(client.error, SocketClient.InvalidData)
        verify(client.errorString.indexOf(data.message) >= 0, client.errorString)
        verify(client.errorString.startsWith('Cannot send "echo": '), client.errorString)
        wait(20)
        compare(messages.count, 0, "nothing was sent")
        checkStillWorks()
    }

    function test_accepted_data() {
        const shared = { v: 1 }
        return [
            { tag: "shared, not cyclic", value: { a: shared, b: shared }, expected: { a: { v: 1 }, b: { v: 1 } } },
            { tag: "undefined member dropped", value: { a: 1, b: undefined }, expected: { a: 1 } },
            { tag: "undefined element is null", value: [1, undefined, 3], expected: [1, null, 3] },
            { tag: "date as ISO text", value: new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 5)), expected: "2024-02-29T12:30:00.005Z" },
            { tag: "large integer", value: 9007199254740991, expected: 9007199254740991 },
        ]
    }
    function test_accepted(data) {
        verify(client.send("echo", data.value))
        tryCompare(messages, "count", 1)
        compare(messages.signalArguments[0][1], data.expected)
        compare(clientErrors.count, 0)
    }

    function test_handlerErrors_data() {
        return [
            { tag: "returns a function", request: "returnsFunction", handler: returnsFunction,
              error: SocketHandler.InvalidResponse, message: "response is a function" },
            { tag: "returns a cycle", request: "returnsCycle", handler: returnsCycle,
              error: SocketHandler.InvalidResponse, message: "refers back to itself" },
            { tag: "throws", request: "throws", handler: throwing, error: SocketHandler.ScriptError, message: "boom" },
            { tag: "no function", request: "noFunction", handler: noFunction,
              error: SocketHandler.NoFunction, message: "is not a function" },
            { tag: "rejected promise", request: "rejects", handler: rejects,
              error: SocketHandler.ScriptError, message: "no way" },
        ]
    }
    function test_handlerErrors(data) {
        const spy = createTemporaryObject(spyComponent, testCase,
                                          { target: data.handler, signalName: "errorOccurred" })
        ignoreWarning(new RegExp("Handler \"" + data.request + "\""))
        verify(client.send(data.request, { x: 1 }))
        tryCompare(spy, "count", 1)
        compare(data.handler.error, data.error)
        verify(data.handler.errorString.indexOf(data.message) >= 0, data.handler.errorString)
        wait(20)
        compare(messages.count, 0, "no response was sent")
        checkStillWorks()
    }

    function test_serverSideBadInput() {
        const errors = createTemporaryObject(spyComponent, testCase,
                                             { target: server, signalName: "errorOccurred" })
        ignoreWarning(/Cannot send "news"/)
        compare(server.broadcast("news", cyclicObject()), 0)
        compare(errors.count, 1)
        compare(server.error, SocketServer.InvalidData)
        ignoreWarning(/Cannot send "news"/)
        compare(server.clients.count, 1)
        const id = server.clients.get(0).clientId
        verify(!server.sendTo(id, "news", () => 1))
        ignoreWarning(/Cannot set the metadata field "f"/)
        verify(!server.client(id).setMetadataValue("f", () => 1))
        compare(errors.count, 3)
        checkStillWorks()
    }

    function test_badAuthData() {
        // Set directly: createObject()'s initial properties would copy the object first.
        const other = createTemporaryObject(clientComponent, testCase, { url: server.url })
        other.authData = cyclicObject()
        other.active = true
        tryCompare(other, "status", SocketClient.Error)
        compare(other.error, SocketClient.InvalidData)
        verify(other.errorString.indexOf("authData.self refers back to itself") >= 0, other.errorString)

        const notObject = createTemporaryObject(clientComponent, testCase, {
            url: server.url, authData: [1, 2], active: true
        })
        tryCompare(notObject, "status", SocketClient.Error)
        compare(notObject.error, SocketClient.InvalidData)
    }

    function test_badConfiguration() {
        const badUrl = createTemporaryObject(clientComponent, testCase, { url: "http://127.0.0.1:1", active: true })
        tryCompare(badUrl, "status", SocketClient.Error)
        compare(badUrl.error, SocketClient.ConfigurationError)
        const badPort = createTemporaryObject(serverComponent, testCase,
                                              { port: 70000, active: true })
        tryCompare(badPort, "error", SocketServer.ConfigurationError)
        verify(!badPort.listening)
    }
}
