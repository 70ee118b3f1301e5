// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketServer>

#include <QMainWindow>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

/*!
    A server monitor: start and stop a SocketServer, watch its clients (with their
    metadata) and the requests they send, and send messages to one client or to all.
*/
class DashboardWindow : public QMainWindow
{
    Q_OBJECT

public:
    /*! Settings for the server and the automation options used by tests and demos. */
    struct Options {
        int port = Stonyx::Sockets::SocketConfig::DefaultPort;
        QString authKey;
        bool encryption = true;
        QString handlerDir;
        bool demo = false;         //!< Send a "command" to each client that authenticates, through the UI.
        QString screenshotFile;    //!< Grab the window to this file after screenshotAfter log entries.
        int screenshotAfter = 1;
    };

    explicit DashboardWindow(const Options &options, QWidget *parent = nullptr);

    /*! Starts the server with the settings in the form. Returns false if it could not listen. */
    bool startServer();
    /*! Stops the server. */
    void stopServer();

private:
    void toggleServer();
    void sendToSelected();
    void broadcast();
    bool readPayload(QJsonValue *payload);
    void addClientRow(qint64 id);
    void updateClientRow(qint64 id);
    void removeClientRow(qint64 id);
    int rowOf(qint64 id) const;
    void log(const QString &line);
    void updateState();

    Options m_options;
    Stonyx::Sockets::SocketServer *m_server = nullptr;
    QSpinBox *m_port;
    QLineEdit *m_authKey;
    QCheckBox *m_encryption;
    QPushButton *m_startStop;
    QLabel *m_status;
    QTableWidget *m_clients;
    QPlainTextEdit *m_log;
    QLineEdit *m_request;
    QLineEdit *m_data;
    QPushButton *m_send;
    QPushButton *m_broadcast;
    int m_logged = 0;
    int m_nextCommandId = 1;
    bool m_screenshotTaken = false;
};
