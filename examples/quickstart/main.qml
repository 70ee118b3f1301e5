// SPDX-License-Identifier: MIT
// The README's QML quick start: connect, authenticate, send "echo", show the answer.
// Run a server first:  stonyx-sockets-server --auth-key AUTH_KEY
import QtQuick
import Stonyx.Sockets

Window {
    width: 420
    height: 160
    visible: true
    title: qsTr("Stonyx Sockets quick start")

    SocketClient {
        id: client
        // url and authKey default to SOCKET_ADDRESS and SOCKET_AUTH_KEY,
        // else ws://localhost:2667 and AUTH_KEY; set them here to override.
        authData: ({ nickname: "quickstart" })
        active: true    // connects once every property is set

        onAuthenticated: send("echo", { msg: "Hello from QML", sentAt: Date.now() })

        SocketHandler {
            name: "echo"    // the server's echo handler answers with our own data
            onResponseReceived: (response) => {
                reply.text = qsTr("Echo: %1").arg(response.msg)
                console.log(reply.text)
            }
        }
    }

    Column {
        anchors.centerIn: parent
        spacing: 8
        Text { text: client.statusText }
        Text { id: reply; font.bold: true }
        Text { text: client.errorString; color: "darkred" }
    }
}
