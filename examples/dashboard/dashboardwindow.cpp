// SPDX-License-Identifier: MIT
#include "dashboardwindow.h"

#include <Stonyx/Sockets/FrameCipher>
#include <Stonyx/Sockets/SocketConnection>

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

#include <cstdio>

using namespace Stonyx::Sockets;

namespace {

enum Column { IdColumn, AddressColumn, AuthenticatedColumn, MetadataColumn };

QString compactJson(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

} // namespace

DashboardWindow::DashboardWindow(const Options &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
{
    setWindowTitle(tr("Stonyx Sockets Dashboard"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    // Server settings and start/stop.
    auto *settings = new QGroupBox(tr("Server"), central);
    auto *settingsLayout = new QHBoxLayout(settings);
    m_port = new QSpinBox(settings);
    m_port->setRange(0, 65535);
    m_port->setValue(options.port);
    m_port->setToolTip(tr("0 picks a free port"));
    m_authKey = new QLineEdit(options.authKey, settings);
    m_authKey->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_encryption = new QCheckBox(tr("Encryption"), settings);
    m_encryption->setChecked(options.encryption);
    m_startStop = new QPushButton(tr("Start"), settings);
    settingsLayout->addWidget(new QLabel(tr("Port:"), settings));
    settingsLayout->addWidget(m_port);
    settingsLayout->addWidget(new QLabel(tr("Auth key:"), settings));
    settingsLayout->addWidget(m_authKey, 1);
    settingsLayout->addWidget(m_encryption);
    settingsLayout->addWidget(m_startStop);
    layout->addWidget(settings);

    // Clients and the live log.
    auto *splitter = new QSplitter(Qt::Vertical, central);
    m_clients = new QTableWidget(0, 4, splitter);
    m_clients->setHorizontalHeaderLabels({tr("ID"), tr("Address"), tr("Authenticated"), tr("Metadata")});
    m_clients->horizontalHeader()->setStretchLastSection(true);
    m_clients->verticalHeader()->hide();
    m_clients->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_clients->setSelectionMode(QAbstractItemView::SingleSelection);
    m_clients->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_log = new QPlainTextEdit(splitter);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("Requests from clients appear here."));
    splitter->addWidget(m_clients);
    splitter->addWidget(m_log);
    layout->addWidget(splitter, 1);

    // Sending.
    auto *sendBox = new QGroupBox(tr("Send"), central);
    auto *sendLayout = new QHBoxLayout(sendBox);
    m_request = new QLineEdit(QStringLiteral("command"), sendBox);
    m_request->setPlaceholderText(tr("request name"));
    m_data = new QLineEdit(QStringLiteral("{\"id\": 1, \"action\": \"ping\"}"), sendBox);
    m_data->setPlaceholderText(tr("JSON data"));
    m_send = new QPushButton(tr("Send to client"), sendBox);
    m_broadcast = new QPushButton(tr("Broadcast"), sendBox);
    sendLayout->addWidget(m_request);
    sendLayout->addWidget(m_data, 1);
    sendLayout->addWidget(m_send);
    sendLayout->addWidget(m_broadcast);
    layout->addWidget(sendBox);

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    setCentralWidget(central);
    resize(900, 600);

    connect(m_startStop, &QPushButton::clicked, this, &DashboardWindow::toggleServer);
    connect(m_send, &QPushButton::clicked, this, &DashboardWindow::sendToSelected);
    connect(m_broadcast, &QPushButton::clicked, this, &DashboardWindow::broadcast);
    connect(m_clients, &QTableWidget::itemSelectionChanged, this, &DashboardWindow::updateState);
    updateState();
}

bool DashboardWindow::startServer()
{
    stopServer();
    SocketConfig config;
    config.setHost(QStringLiteral("127.0.0.1"));
    config.setPort(m_port->value());
    config.setAuthKey(m_authKey->text());
    config.setEncryption(m_encryption->isChecked());
    config.setHandlerDir(m_options.handlerDir);
    config.setLog(false);
    m_server = new SocketServer(config, this);

    if (!m_options.handlerDir.isEmpty())
        m_server->loadHandlers(m_options.handlerDir);
    if (!m_server->handlerNames().contains(QStringLiteral("auth"))) {
        // No auth plugin: check the key here and keep the other auth fields as metadata.
        SocketServer *server = m_server;
        server->registerHandler(
            QStringLiteral("auth"),
            [server](const QJsonValue &fields, SocketConnection *connection) -> QJsonValue {
                const QJsonValue key = fields[u"authKey"];
                if (!key.isString() || !FrameCipher::constantTimeEquals(key.toString().toUtf8(), server->config().authKey().toUtf8())) {
                    connection->close(4001, QStringLiteral("invalid auth key"));
                    return QJsonValue(QJsonValue::Undefined);
                }
                QJsonObject metadata = fields.toObject();
                metadata.remove(u"authKey");
                connection->setMetadata(metadata);
                return QStringLiteral("success");
            },
            {});
    }

    connect(m_server, &SocketServer::clientConnected, this, [this](qint64 id) {
        addClientRow(id);
        log(tr("#%1 connected from %2").arg(id).arg(m_server->client(id)->peerAddress().toString()));
    });
    connect(m_server, &SocketServer::clientAuthenticated, this, [this](qint64 id) {
        updateClientRow(id);
        log(tr("#%1 authenticated %2").arg(id).arg(compactJson(m_server->client(id)->metadata())));
        if (m_options.demo) {
            // Drive the UI as a user would: select the client, fill in a command, press Send.
            m_clients->selectRow(rowOf(id));
            m_request->setText(QStringLiteral("command"));
            m_data->setText(compactJson(QJsonObject{{QStringLiteral("id"), m_nextCommandId++},
                                                    {QStringLiteral("action"), QStringLiteral("ping")}}));
            m_send->click();
        }
    });
    connect(m_server, &SocketServer::clientDisconnected, this, [this](qint64 id, int code, const QString &reason) {
        removeClientRow(id);
        log(reason.isEmpty() ? tr("#%1 disconnected (code %2)").arg(id).arg(code)
                             : tr("#%1 disconnected (code %2: %3)").arg(id).arg(code).arg(reason));
    });
    // Requests that passed the auth gate (never auth itself: it carries the secret).
    connect(m_server, &SocketServer::messageReceived, this, [this](qint64 id, const QString &request, const QJsonValue &payload) {
        log(tr("#%1 %2 %3").arg(id).arg(request, compactJson(payload)));
    });
    connect(m_server, &SocketServer::clientRejected, this, [this](qint64 id, SocketServer::Error, const QString &reason) {
        log(tr("#%1 rejected: %2").arg(id).arg(reason));
    });
    connect(m_server, &SocketServer::errorOccurred, this, [this] { log(tr("error: %1").arg(m_server->errorString())); });

    if (!m_server->listen()) {
        m_status->setText(tr("Cannot start: %1").arg(m_server->errorString()));
        m_server->deleteLater();
        m_server = nullptr;
        updateState();
        return false;
    }
    const QString url = m_server->serverUrl().toString();
    m_port->setValue(m_server->serverPort());
    std::printf("%s\n", qUtf8Printable(tr("listening on %1").arg(url)));
    std::fflush(stdout);
    log(tr("Listening on %1 (encryption %2)").arg(url, config.encryption() ? tr("on") : tr("off")));
    updateState();
    return true;
}

void DashboardWindow::stopServer()
{
    if (!m_server)
        return;
    SocketServer *server = std::exchange(m_server, nullptr);
    server->disconnect(this);
    server->close();
    server->deleteLater();
    m_clients->setRowCount(0);
    log(tr("Server stopped"));
    updateState();
}

void DashboardWindow::toggleServer()
{
    if (m_server)
        stopServer();
    else
        startServer();
}

bool DashboardWindow::readPayload(QJsonValue *payload)
{
    const QString text = m_data->text().trimmed();
    if (text.isEmpty()) {
        *payload = QJsonValue(QJsonValue::Null);
        return true;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1) {
        m_status->setText(tr("The data is not valid JSON: %1").arg(error.errorString()));
        return false;
    }
    *payload = document.array().first();
    return true;
}

void DashboardWindow::sendToSelected()
{
    const QList<QTableWidgetItem *> selected = m_clients->selectedItems();
    QJsonValue payload;
    if (!m_server || selected.isEmpty() || !readPayload(&payload))
        return;
    const qint64 id = m_clients->item(selected.first()->row(), IdColumn)->data(Qt::UserRole).toLongLong();
    const QString request = m_request->text();
    if (m_server->sendTo(id, request, payload))
        log(tr("→ #%1 %2 %3").arg(id).arg(request, compactJson(payload)));
    else
        m_status->setText(tr("Client #%1 is gone").arg(id));
}

void DashboardWindow::broadcast()
{
    QJsonValue payload;
    if (!m_server || !readPayload(&payload))
        return;
    const int count = m_server->broadcast(m_request->text(), payload);
    log(tr("→ all (%n client(s)) %1 %2", nullptr, count).arg(m_request->text(), compactJson(payload)));
}

int DashboardWindow::rowOf(qint64 id) const
{
    for (int row = 0; row < m_clients->rowCount(); ++row) {
        if (m_clients->item(row, IdColumn)->data(Qt::UserRole).toLongLong() == id)
            return row;
    }
    return -1;
}

void DashboardWindow::addClientRow(qint64 id)
{
    const int row = m_clients->rowCount();
    m_clients->insertRow(row);
    auto *idItem = new QTableWidgetItem(QString::number(id));
    idItem->setData(Qt::UserRole, id);
    m_clients->setItem(row, IdColumn, idItem);
    m_clients->setItem(row, AddressColumn, new QTableWidgetItem);
    m_clients->setItem(row, AuthenticatedColumn, new QTableWidgetItem);
    m_clients->setItem(row, MetadataColumn, new QTableWidgetItem);
    updateClientRow(id);
    if (SocketConnection *connection = m_server->client(id))
        connect(connection, &SocketConnection::metadataChanged, this, [this, id] { updateClientRow(id); });
    updateState();
}

void DashboardWindow::updateClientRow(qint64 id)
{
    const int row = rowOf(id);
    SocketConnection *connection = m_server ? m_server->client(id) : nullptr;
    if (row < 0 || !connection)
        return;
    m_clients->item(row, AddressColumn)->setText(
        QStringLiteral("%1:%2").arg(connection->peerAddress().toString()).arg(connection->peerPort()));
    m_clients->item(row, AuthenticatedColumn)->setText(connection->isAuthenticated() ? tr("yes") : tr("no"));
    m_clients->item(row, MetadataColumn)->setText(compactJson(connection->metadata()));
    m_clients->resizeColumnsToContents();
}

void DashboardWindow::removeClientRow(qint64 id)
{
    const int row = rowOf(id);
    if (row >= 0)
        m_clients->removeRow(row);
    updateState();
}

void DashboardWindow::log(const QString &line)
{
    const QString stamped = QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz")) + u' ' + line;
    m_log->appendPlainText(stamped);
    std::printf("%s\n", qUtf8Printable(line));
    std::fflush(stdout);
    ++m_logged;
    if (!m_options.screenshotFile.isEmpty() && !m_screenshotTaken && m_logged >= m_options.screenshotAfter) {
        m_screenshotTaken = true;
        // Let the table and log repaint first.
        QTimer::singleShot(200, this, [this] {
            const bool saved = grab().save(m_options.screenshotFile);
            std::printf("%s\n", qUtf8Printable(saved ? tr("screenshot saved to %1").arg(m_options.screenshotFile)
                                                     : tr("could not save the screenshot to %1").arg(m_options.screenshotFile)));
            std::fflush(stdout);
        });
    }
}

void DashboardWindow::updateState()
{
    const bool running = m_server != nullptr;
    m_startStop->setText(running ? tr("Stop") : tr("Start"));
    m_port->setEnabled(!running);
    m_authKey->setEnabled(!running);
    m_encryption->setEnabled(!running);
    m_send->setEnabled(running && !m_clients->selectedItems().isEmpty());
    m_broadcast->setEnabled(running);
    if (running)
        m_status->setText(tr("Listening on %1 — %n client(s)", nullptr, m_clients->rowCount())
                              .arg(m_server->serverUrl().toString()));
    else if (m_status->text().isEmpty() || m_status->text().startsWith(u"Listening"))
        m_status->setText(tr("Stopped"));
}
