// SPDX-License-Identifier: MIT
// The settings of SocketServer and SocketClient that are SocketConfig keys: each reads
// back what was set, notifies once per change and not for the same value, and a change
// of useEnvironment notifies them all while keeping what QML set.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    id: testCase
    name: "ConfigProperties"

    Component {
        id: serverComponent
        SocketServer {}
    }

    Component {
        id: clientComponent
        SocketClient {}
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }

    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }

    readonly property var serverSettings: [
        { tag: "address", value: "0.0.0.0", defaultValue: "127.0.0.1" },
        { tag: "port", value: 1234, defaultValue: 2667 },
        { tag: "authKey", value: "server-key", defaultValue: "AUTH_KEY" },
        { tag: "encryption", value: false, defaultValue: true },
        { tag: "log", value: true, defaultValue: false },
        { tag: "rateLimitPolicy", value: SocketServer.Close, defaultValue: SocketServer.Throttle },
    ]

    readonly property var clientSettings: [
        { tag: "url", value: "ws://127.0.0.1:1", defaultValue: "ws://localhost:2667" },
        { tag: "authKey", value: "client-key", defaultValue: "AUTH_KEY" },
        { tag: "encryption", value: false, defaultValue: true },
        { tag: "heartbeatInterval", value: 1234, defaultValue: 30000 },
        { tag: "heartbeatTimeout", value: 55, defaultValue: 0 },
        { tag: "reconnectBaseDelay", value: 7, defaultValue: 1000 },
        { tag: "reconnectMaxDelay", value: 8, defaultValue: 60000 },
        { tag: "maxReconnectAttempts", value: 3, defaultValue: -1 },
    ]

    function checkSetting(object, data) {
        const changed = spy(object, data.tag + "Changed")
        compare(String(object[data.tag]), String(data.defaultValue))
        object[data.tag] = data.defaultValue // the same value: no notification
        compare(changed.count, 0)
        object[data.tag] = data.value
        compare(String(object[data.tag]), String(data.value))
        compare(changed.count, 1)
        object[data.tag] = data.value
        compare(changed.count, 1)
        object[data.tag] = data.defaultValue
        compare(String(object[data.tag]), String(data.defaultValue))
        compare(changed.count, 2)
    }

    function test_server_data() { return serverSettings }
    function test_server(data) {
        // Without the environment, so that the protocol defaults hold whatever SOCKET_* is set.
        checkSetting(createTemporaryObject(serverComponent, testCase, { useEnvironment: false }), data)
    }

    function test_client_data() { return clientSettings }
    function test_client(data) {
        checkSetting(createTemporaryObject(clientComponent, testCase, { useEnvironment: false }), data)
    }

    function checkUseEnvironment(object, settings, kept) {
        object[kept.tag] = kept.value
        const spies = settings.map(setting => spy(object, setting.tag + "Changed"))
        const useEnvironment = spy(object, "useEnvironmentChanged")
        // The order of notification: useEnvironment first, then every setting.
        let order = []
        const record = () => order.push(spies.filter(s => s.count > 0).length)
        useEnvironment.target.useEnvironmentChanged.connect(record)
        object.useEnvironment = false
        useEnvironment.target.useEnvironmentChanged.disconnect(record)
        compare(useEnvironment.count, 1)
        compare(order, [0])
        for (let i = 0; i < settings.length; ++i)
            compare(spies[i].count, 1, settings[i].tag)
        compare(String(object[kept.tag]), String(kept.value)) // set in QML: kept
        for (const setting of settings) {
            if (setting.tag !== kept.tag)
                compare(String(object[setting.tag]), String(setting.defaultValue), setting.tag)
        }
        object.useEnvironment = false // unchanged: nothing
        compare(useEnvironment.count, 1)
        for (let i = 0; i < settings.length; ++i)
            compare(spies[i].count, 1, settings[i].tag)
        object.useEnvironment = true
        compare(String(object[kept.tag]), String(kept.value))
        for (let i = 0; i < settings.length; ++i)
            compare(spies[i].count, 2, settings[i].tag)
    }

    function test_serverUseEnvironment() {
        checkUseEnvironment(createTemporaryObject(serverComponent, testCase), serverSettings, serverSettings[2])
    }

    function test_clientUseEnvironment() {
        checkUseEnvironment(createTemporaryObject(clientComponent, testCase), clientSettings, clientSettings[3])
    }

    function test_urlSetToItsDerivedValue() {
        // The client's url is the config's address: setting it to the value it already
        // derives from the port changes nothing visible, but it stays set from then on.
        const client = createTemporaryObject(clientComponent, testCase, { useEnvironment: false })
        const changed = spy(client, "urlChanged")
        client.url = "ws://localhost:2667"
        compare(changed.count, 0)
        client.useEnvironment = true
        client.useEnvironment = false
        compare(String(client.url), "ws://localhost:2667")
    }

    function test_settingsReachTheServer() {
        // What the properties set is what the server runs with.
        const server = createTemporaryObject(serverComponent, testCase, {
            address: "127.0.0.1", port: 0, authKey: "reach", encryption: false, active: true
        })
        tryVerify(() => server.listening, 5000, server.errorString)
        const client = createTemporaryObject(clientComponent, testCase, {
            url: server.url, authKey: "reach", encryption: false, maxReconnectAttempts: 0, active: true
        })
        tryCompare(client, "status", SocketClient.Connected, 5000)
        compare(String(server.url), "ws://127.0.0.1:" + server.serverPort)
    }
}
