// SPDX-License-Identifier: MIT
// Run against the installed module only (see RunInstalled.cmake): import, listen, connect, echo.
import QtQuick
import QtTest
import Stonyx.Sockets

TestCase {
    name: "InstalledModule"

    SocketServer {
        id: server
        address: "127.0.0.1"
        port: 0
        authKey: "installed"
        active: true
        SocketHandler { name: "echo"; handleRequest: (data, client) => data }
    }

    SocketClient {
        id: client
        url: server.url
        authKey: "installed"
        maxReconnectAttempts: 0
        active: server.listening
    }

    SignalSpy { id: messages; target: client; signalName: "messageReceived" }

    function test_echo() {
        tryCompare(client, "status", SocketClient.Connected, 5000)
        verify(client.send("echo", { from: "install tree" }))
        tryVerify(() => messages.count > 0 && messages.signalArguments[messages.count - 1][0] === "echo")
        compare(messages.signalArguments[messages.count - 1][1], { from: "install tree" })
    }
}
