// SPDX-License-Identifier: MIT
// SocketClient.request(): a JavaScript Promise that resolves with the response or
// rejects with an Error carrying the reason (Timeout, NotConnected, Closed, ...).
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "Request"

    Component {
        id: serverComponent
        SocketServer {
            address: "127.0.0.1"
            port: 0
            authKey: "request-key"
            active: true
            SocketHandler { name: "echo"; handleRequest: (data, client) => data }
            SocketHandler { name: "silent"; handleRequest: (data, client) => null }
            // A deferred answer (a Promise): its response must carry the request's id,
            // or the client (which matches by id with this server) would never see it.
            SocketHandler { name: "promise"; handleRequest: (data, client) => new Promise(resolve => resolve(data * 2)) }
        }
    }

    Component {
        id: clientComponent
        SocketClient { authKey: "request-key"; maxReconnectAttempts: 0 }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function encryptionRows() {
        return [{ tag: "encrypted", encryption: true }, { tag: "plain", encryption: false }]
    }

    function start(encryption) {
        const server = createTemporaryObject(serverComponent, testCase, { encryption: encryption })
        tryVerify(() => server.listening, 5000, "server listening: " + server.errorString)
        const client = createTemporaryObject(clientComponent, testCase,
                                             { url: server.url, encryption: encryption, active: true })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        return client
    }

    function test_resolves_data() { return encryptionRows() }
    function test_resolves(data) {
        const client = start(data.encryption)
        const results = []
        client.request("echo", { n: 1, list: [1, "two"] }).then(value => results.push(value))
        client.request("echo", "second", { timeout: 5000 }).then(value => results.push(value))
        client.request("promise", 21, { timeout: 5000 }).then(value => results.push(value))
        tryCompare(results, "length", 3, 5000)
        compare(results[0], { n: 1, list: [1, "two"] })
        compare(results[1], "second")
        compare(results[2], 42)
    }

    function test_rejects() {
        const client = start(true)
        const failures = spy(client, "deliveryFailed")
        let error = null
        client.request("silent", 1, { timeout: 100 }).catch(e => { error = e })
        tryVerify(() => error !== null, 5000)
        verify(error instanceof Error)
        compare(error.reason, "Timeout")
        compare(error.request, "silent")
        verify(error.message.length > 0)
        compare(failures.count, 1)
        compare(failures.signalArguments[0][0], "silent")
        compare(failures.signalArguments[0][1], "Timeout")

        // Bad options and data reject at once, without sending.
        error = null
        client.request("echo", 1, { timeout: "soon" }).catch(e => { error = e })
        tryVerify(() => error !== null)
        compare(error.reason, "InvalidData")
        error = null
        client.request("echo", () => 1).catch(e => { error = e })
        tryVerify(() => error !== null)
        compare(error.reason, "InvalidData")

        // Pending when the client goes inactive: Closed.
        error = null
        client.request("silent", 2).catch(e => { error = e })
        client.active = false
        tryVerify(() => error !== null, 5000)
        compare(error.reason, "Closed")

        // Not active: NotConnected.
        error = null
        client.request("echo", 3).catch(e => { error = e })
        tryVerify(() => error !== null)
        compare(error.reason, "NotConnected")
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }
}
