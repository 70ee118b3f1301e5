// SPDX-License-Identifier: MIT
// The QML chat: host a chat (a SocketServer plus our own SocketClient) or join one.
// The nickname travels in the auth data; the server broadcasts every message and the
// list of people; the header shows the connection status, reconnects included.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Stonyx.Sockets

ApplicationWindow {
    id: window
    width: 760
    height: 480
    visible: true
    title: qsTr("Stonyx Chat")

    // Set by the launcher (command-line options).
    required property QtObject chatApp
    property string nickname: "guest"
    property string authKey: "AUTH_KEY"
    property bool encryption: true
    property int hostPort: 2667
    property bool autoHost: false
    property string autoJoinUrl: ""
    property string autoSend: ""
    property string screenshotFile: ""
    property int screenshotAfter: 1

    property bool hosting: false
    property bool sentAutoMessage: false
    property bool screenshotTaken: false
    property var people: []

    ListModel { id: messages }

    function addLine(from, text, system) {
        messages.append({ from: from, body: text, system: system })
        chatView.positionViewAtEnd()
        chatApp.print(system ? "[info] " + text : "[chat] " + from + ": " + text)
        if (!system && screenshotFile !== "" && !screenshotTaken && chatMessageCount() >= screenshotAfter) {
            screenshotTaken = true
            screenshotTimer.start()
        }
    }

    function chatMessageCount() {
        let count = 0
        for (let i = 0; i < messages.count; ++i)
            if (!messages.get(i).system)
                ++count
        return count
    }

    function host() {
        hosting = true
        server.active = true
    }

    function join(url) {
        client.url = url
        client.active = true
    }

    function leave() {
        client.active = false
        server.active = false
        hosting = false
        people = []
    }

    //! [server]
    SocketServer {
        id: server
        address: "127.0.0.1"
        port: window.hostPort
        authKey: window.authKey
        encryption: window.encryption

        function sendPeople() {
            const names = []
            for (let i = 0; i < clients.count; ++i) {
                const client = clients.get(i)
                if (client.authenticated)
                    names.push(client.metadata.nickname || qsTr("guest %1").arg(client.clientId))
            }
            broadcast("people", names)
        }

        // The built-in auth handler checks the key and keeps { nickname } as metadata.
        SocketHandler {
            name: "chat"
            handleRequest: (data, client) => {
                server.broadcast("chat", { from: client.metadata.nickname, text: String(data.text) })
                // Nothing to answer: everyone, the sender included, gets the broadcast.
            }
        }

        onClientAuthenticated: sendPeople()
        onClientDisconnected: sendPeople()
        onListeningChanged: {
            if (listening) {
                chatApp.print("hosting on " + url)
                window.join(url)
            }
        }
        onErrorOccurred: window.addLine("", qsTr("Server error: %1").arg(errorString), true)
    }
    //! [server]

    //! [client]
    SocketClient {
        id: client
        authKey: window.authKey
        encryption: window.encryption
        authData: ({ nickname: window.nickname })
        reconnectBaseDelay: 500
        reconnectMaxDelay: 5000

        SocketHandler {
            name: "chat"
            onResponseReceived: (message) => window.addLine(message.from, message.text, false)
        }
        SocketHandler {
            name: "people"
            onResponseReceived: (names) => window.people = names
        }

        onAuthenticated: {
            window.addLine("", qsTr("Joined %1 as %2").arg(url).arg(window.nickname), true)
            if (window.autoSend !== "" && !window.sentAutoMessage) {
                window.sentAutoMessage = true
                send("chat", { text: window.autoSend })
            }
        }
        onDisconnected: (code, reason) => window.addLine("", qsTr("Disconnected (%1)").arg(reason || code), true)
        onReconnecting: (attempt, delay) => window.addLine("", qsTr("Reconnecting in %1 s (attempt %2)…")
                                                               .arg((delay / 1000).toFixed(1)).arg(attempt), true)
    }
    //! [client]

    Timer {
        id: screenshotTimer
        interval: 300 // let the new message render
        onTriggered: {
            const saved = chatApp.saveScreenshot(window, window.screenshotFile)
            chatApp.print(saved ? "screenshot saved to " + window.screenshotFile
                                : "could not save the screenshot to " + window.screenshotFile)
        }
    }

    Component.onCompleted: {
        if (autoHost)
            host()
        else if (autoJoinUrl !== "")
            join(autoJoinUrl)
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.margins: 4
            Label { text: qsTr("Nickname:") }
            TextField {
                id: nicknameField
                text: window.nickname
                enabled: !client.active
                onEditingFinished: window.nickname = text
                Layout.preferredWidth: 110
            }
            TextField {
                id: urlField
                placeholderText: qsTr("ws://host:2667")
                text: window.autoJoinUrl
                enabled: !client.active
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Join")
                enabled: !client.active && urlField.text !== ""
                onClicked: window.join(urlField.text)
            }
            Button {
                text: qsTr("Host")
                enabled: !client.active
                onClicked: window.host()
            }
            Button {
                text: qsTr("Leave")
                enabled: client.active
                onClicked: window.leave()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 6

        Label {
            id: statusLabel
            Layout.fillWidth: true
            text: (window.hosting && server.listening ? qsTr("Hosting on %1 — ").arg(server.url) : "") + client.statusText
            color: client.status === SocketClient.Connected ? "darkgreen"
                 : client.status === SocketClient.Error ? "darkred" : "darkorange"
            font.bold: true
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            Frame {
                Layout.fillWidth: true
                Layout.fillHeight: true
                ListView {
                    id: chatView
                    anchors.fill: parent
                    clip: true
                    model: messages
                    spacing: 4
                    delegate: Label {
                        required property string from
                        required property string body
                        required property bool system
                        width: chatView.width
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText
                        text: system ? "— " + body : from + ": " + body
                        color: system ? "gray" : palette.text
                        font.italic: system
                    }
                }
            }

            Frame {
                Layout.preferredWidth: 170
                Layout.fillHeight: true
                ColumnLayout {
                    anchors.fill: parent
                    Label {
                        text: qsTr("People (%1)").arg(window.people.length)
                        font.bold: true
                    }
                    ListView {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: window.people
                        delegate: Label {
                            required property string modelData
                            text: "● " + modelData + (modelData === window.nickname ? qsTr(" (you)") : "")
                        }
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: messageField
                Layout.fillWidth: true
                placeholderText: qsTr("Type a message and press Enter")
                enabled: client.status === SocketClient.Connected
                onAccepted: sendButton.clicked()
            }
            Button {
                id: sendButton
                text: qsTr("Send")
                enabled: messageField.enabled && messageField.text !== ""
                onClicked: {
                    client.send("chat", { text: messageField.text })
                    messageField.clear()
                }
            }
        }
    }
}
