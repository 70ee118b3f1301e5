// SPDX-License-Identifier: MIT
#include "socketclient_p.h"
#include "framecipher_p.h"
#include "message_p.h"

#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QTimer>
#include <QWebSocket>

namespace Stonyx::Sockets {

Q_LOGGING_CATEGORY(lcClient, "stonyx.sockets.client", QtInfoMsg)

namespace {

// Adapts a callable to the handler interface.
class FunctionHandler final : public SocketHandler
{
public:
    explicit FunctionHandler(ResponseFunction function)
        : m_function(std::move(function))
    {
    }
    void handleResponse(const QJsonValue &response) override { m_function(response); }

private:
    ResponseFunction m_function;
};

} // namespace


void SocketClientPrivate::dropSocket()
{
    if (!socket)
        return;
    QWebSocket *old = socket;
    socket.clear();
    QObject::disconnect(old, nullptr, q, nullptr);
    // abort(), not close(): after a failed handshake Qt 6.4.2 leaves the TCP connection
    // open, so it has to be torn down before a new attempt.
    old->abort();
    old->deleteLater();
}

void SocketClientPrivate::connectSocket()
{
    dropSocket();
    sessionCipher.clear(); // a new connection always starts with the global key
    socketErrorReported = false;
    auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    socket = ws;
    const qint64 overhead = config.encryption() ? FrameCipher::Overhead : 0;
    ws->setMaxAllowedIncomingMessageSize(quint64(config.maxMessageSize() + overhead));
    ws->setMaxAllowedIncomingFrameSize(quint64(config.maxFrameSize() + overhead));
    // One frame per message: Qt 6.4 decodes each text frame on its own, so a long
    // plain message split across frames could cut a UTF-8 sequence (close 1007).
    ws->setOutgoingFrameSize(QWebSocket::maxOutgoingFrameSize());
    if (config.address().scheme() == u"wss")
        ws->setSslConfiguration(tlsConfiguration);
    if (config.tlsAllowSelfSigned()) {
        QObject::connect(ws, &QWebSocket::sslErrors, q, [ws](const QList<QSslError> &errors) {
            for (const QSslError &e : errors)
                qCWarning(lcClient, "Ignoring a TLS error (tlsAllowSelfSigned): %s", qUtf8Printable(e.errorString()));
            ws->ignoreSslErrors();
        });
    }
    QObject::connect(ws, &QWebSocket::connected, q, [this, ws] {
        if (ws != socket)
            return;
        setState(SocketClient::State::Authenticating);
        QJsonObject data{{QStringLiteral("authKey"), config.authKey()}};
        for (auto it = authData.begin(); it != authData.end(); ++it)
            data.insert(it.key(), it.value()); // like {authKey, ...authData}
        sendJson(Message::encodeRequest(QStringLiteral("auth"), data));
    });
    QObject::connect(ws, &QWebSocket::binaryMessageReceived, q, [this, ws](const QByteArray &frame) {
        if (ws == socket)
            onFrame(frame);
    });
    QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this, ws](const QString &text) {
        if (ws == socket)
            onFrame(text.toUtf8());
    });
    // Qt 6.4 names this signal error(); errorOccurred() came in 6.5.
    QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q, [this, ws](QAbstractSocket::SocketError) {
        if (ws != socket)
            return;
        socketErrorReported = true;
        setError(SocketClient::Error::ConnectionError,
                 SocketClient::tr("Connection to %1 failed: %2").arg(config.address().toString(), ws->errorString()));
        // Before the handshake completed, an error is the end of this attempt. Once
        // open, wait for disconnected(): the close frame may still be in the buffer.
        if (state == SocketClient::State::Connecting || state == SocketClient::State::Reconnecting)
            onSocketGone(ws);
    });
    QObject::connect(ws, &QWebSocket::disconnected, q, [this, ws] { onSocketGone(ws); });
    ws->open(config.address());
}

void SocketClientPrivate::onSocketGone(QWebSocket *gone)
{
    if (gone != socket)
        return; // already handled, or an old socket
    heartBeatTimer.stop();
    sessionCipher.clear();
    const int code = int(gone->closeCode());
    const QString reason = gone->closeReason();
    const bool wasOpen = state == SocketClient::State::Authenticating || state == SocketClient::State::Connected;
    const QString socketError = gone->errorString();
    dropSocket();
    if (wasOpen) {
        Q_EMIT q->disconnected(code, reason);
    } else if (!socketErrorReported) {
        // Qt 6.4 does not always signal an error for a refused connection or handshake.
        setError(SocketClient::Error::ConnectionError,
                 SocketClient::tr("Connection to %1 failed: %2").arg(config.address().toString(), socketError));
    }
    if (closedByUser) {
        setState(SocketClient::State::Disconnected);
        return;
    }
    scheduleReconnect();
}

void SocketClientPrivate::scheduleReconnect()
{
    const int max = config.maxReconnectAttempts();
    const int next = attempt + 1;
    if (max != SocketConfig::Unlimited && next > max) {
        const int failed = attempt;
        closedByUser = true;
        setAttempt(0);
        setState(SocketClient::State::Disconnected);
        if (max > 0) {
            setError(SocketClient::Error::ReconnectFailed,
                     SocketClient::tr("Gave up reconnecting to %1 after %n attempt(s)", nullptr, failed)
                         .arg(config.address().toString()));
            Q_EMIT q->reconnectFailed(failed);
        }
        return;
    }
    setAttempt(next);
    const qint64 delay = SocketClient::backoffDelay(next, config.reconnectBaseDelay(), config.reconnectMaxDelay())
        + QRandomGenerator::global()->bounded(1000);
    setState(SocketClient::State::Reconnecting);
    qCDebug(lcClient, "Reconnect attempt %d in %lld ms", next, delay);
    Q_EMIT q->reconnecting(next, int(delay));
    reconnectTimer.start(std::chrono::milliseconds(delay));
}

bool SocketClientPrivate::sendJson(const QByteArray &json)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (!config.encryption())
        return socket->sendTextMessage(QString::fromUtf8(json)) >= 0;
    FrameCipher &cipher = sessionCipher.isValid() ? sessionCipher : globalCipher;
    const QByteArray frame = cipher.seal(json);
    if (frame.isEmpty()) {
        setError(SocketClient::Error::CryptoError, cipher.errorString());
        return false;
    }
    return socket->sendBinaryMessage(frame) >= 0;
}

void SocketClientPrivate::sendHeartBeat()
{
    if (state == SocketClient::State::Connected)
        sendJson(Message::encodeRequest(QStringLiteral("heartBeat"), QJsonValue(QJsonValue::Undefined)));
}

void SocketClientPrivate::onFrame(const QByteArray &frame)
{
    QByteArray plain;
    const QByteArray *json = &frame;
    if (config.encryption()) {
        FrameCipher &cipher = sessionCipher.isValid() ? sessionCipher : globalCipher;
        if (!cipher.open(frame, &plain)) {
            qCWarning(lcClient, "Dropped a frame from the server: %s", qUtf8Printable(cipher.errorString()));
            setError(SocketClient::Error::InvalidMessage,
                     SocketClient::tr("Dropped a frame from the server: %1").arg(cipher.errorString()));
            return;
        }
        json = &plain;
    }
    Message::Incoming message;
    QString problem;
    if (Message::decode(*json, u"response", &message, &problem) != Message::DecodeResult::Ok) {
        qCWarning(lcClient, "Dropped a message from the server: %s", qUtf8Printable(problem));
        setError(SocketClient::Error::InvalidMessage, SocketClient::tr("Dropped a message from the server: %1").arg(problem));
        return;
    }
    if (message.request == Message::AuthRequest) {
        onAuthResponse(message);
        return;
    }
    if (message.request == Message::HeartBeatRequest) {
        if (state == SocketClient::State::Connected)
            heartBeatTimer.start(config.heartBeatInterval());
        return;
    }
    deliver(message.request, message.payload);
}

void SocketClientPrivate::onAuthResponse(const Message::Incoming &message)
{
    const QJsonValue sessionKey = message.object.value(u"sessionKey");
    if (config.encryption() && sessionKey.isString()) {
        const QByteArray key = QByteArray::fromBase64(sessionKey.toString().toLatin1());
        if (!sessionCipher.setKey(key)) {
            setError(SocketClient::Error::InvalidMessage,
                     SocketClient::tr("The server sent an invalid session key: %1").arg(sessionCipher.errorString()));
            return;
        }
    }
    if (Message::isTruthy(message.payload) || sessionCipher.isValid()) {
        const bool wasReconnect = attempt > 0;
        setAttempt(0);
        setState(SocketClient::State::Connected);
        heartBeatTimer.start(config.heartBeatInterval());
        Q_EMIT q->authenticated(message.payload);
        if (wasReconnect)
            Q_EMIT q->reconnected();
    } else {
        setError(SocketClient::Error::AuthenticationRejected,
                 SocketClient::tr("The server rejected the authentication (response %1)")
                     .arg(QString::fromUtf8(Message::toJsonText(message.payload))));
    }
    deliver(message.request, message.payload);
}

void SocketClientPrivate::deliver(const QString &request, const QJsonValue &response)
{
    const auto it = handlers.constFind(request);
    if (it != handlers.cend()) {
        std::shared_ptr<SocketHandler> keepAlive = it->owned; // the handler may unregister itself
        it->handler->handleResponse(response);
    } else if (request != Message::AuthRequest) {
        qCDebug(lcClient, "No handler for server message \"%s\"", qUtf8Printable(request));
    }
    Q_EMIT q->messageReceived(request, response);
}

SocketClient::SocketClient(QObject *parent)
    : SocketClient(SocketConfig::fromEnvironment(), parent)
{
}

SocketClient::SocketClient(const SocketConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<SocketClientPrivate>(this, config))
{
    // An invalid configuration (e.g. a bad SOCKET_* variable) is reported from the
    // start; open() refuses it and emits errorOccurred().
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        d->error = Error::ConfigurationError;
        d->errorString = problem;
    }
}

SocketClient::~SocketClient()
{
    d->closedByUser = true;
    d->dropSocket();
}

SocketConfig SocketClient::config() const
{
    return d->config;
}

void SocketClient::setConfig(const SocketConfig &config)
{
    if (d->config == config)
        return;
    d->config = config;
    if (const QString problem = config.validate(); !problem.isEmpty()) {
        d->setError(Error::ConfigurationError, problem);
    } else if (d->error == Error::ConfigurationError) {
        d->error = Error::NoError;
        d->errorString.clear();
    }
    Q_EMIT configChanged();
}

QJsonObject SocketClient::authData() const
{
    return d->authData;
}

void SocketClient::setAuthData(const QJsonObject &authData)
{
    if (d->authData == authData)
        return;
    d->authData = authData;
    Q_EMIT authDataChanged();
}

SocketClient::State SocketClient::state() const
{
    return d->state;
}

int SocketClient::reconnectAttempt() const
{
    return d->attempt;
}

QByteArray SocketClient::sessionKey() const
{
    return FrameCipherPrivate::key(d->sessionCipher);
}

bool SocketClient::registerHandler(const QString &name, SocketHandler *handler)
{
    if (name.isEmpty() || !handler || d->handlers.contains(name)) {
        d->setError(Error::HandlerError, name.isEmpty() || !handler
                                             ? tr("A handler needs a name and an object")
                                             : tr("A handler named \"%1\" is already registered").arg(name));
        return false;
    }
    d->handlers.insert(name, ClientHandler{handler, nullptr});
    return true;
}

bool SocketClient::registerHandler(const QString &name, ResponseFunction function)
{
    if (!function) {
        d->setError(Error::HandlerError, tr("The handler \"%1\" has no function").arg(name));
        return false;
    }
    auto owned = std::make_shared<FunctionHandler>(std::move(function));
    if (!registerHandler(name, owned.get()))
        return false;
    d->handlers[name].owned = std::move(owned);
    return true;
}

bool SocketClient::unregisterHandler(const QString &name)
{
    return d->handlers.remove(name) > 0;
}

int SocketClient::loadHandlers(const QString &directory)
{
    HandlerLoader::Result result = HandlerLoader::load(directory, HandlerLoader::Side::Client);
    int loaded = 0;
    for (const HandlerLoader::Loaded &handler : std::as_const(result.handlers)) {
        if (registerHandler(handler.name, handler.handler))
            ++loaded;
    }
    for (const HandlerLoader::Problem &problem : std::as_const(result.problems)) {
        qCWarning(lcClient, "%s: %s", qUtf8Printable(problem.filePath), qUtf8Printable(problem.message));
        d->setError(Error::HandlerError, tr("%1: %2").arg(problem.filePath, problem.message));
    }
    return loaded;
}

bool SocketClient::open()
{
    if (d->state != State::Disconnected)
        return true;
    const QString problem = d->config.validate();
    if (!problem.isEmpty()) {
        d->setError(Error::ConfigurationError, problem);
        return false;
    }
    const QUrl url = d->config.address();
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss")) {
        d->setError(Error::ConfigurationError,
                    tr("Configuration key \"address\" must be a ws:// or wss:// URL, not \"%1\"").arg(url.toString()));
        return false;
    }
    d->tlsConfiguration = QSslConfiguration::defaultConfiguration();
    if (url.scheme() == u"wss" && !d->config.tlsCaCertificates().isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(d->config.tlsCaCertificates(), QSsl::Pem);
        if (cas.isEmpty()) {
            d->setError(Error::ConfigurationError,
                        tr("No PEM certificate could be read from %1 (configuration key \"tlsCaCertificates\")")
                            .arg(d->config.tlsCaCertificates()));
            return false;
        }
        d->tlsConfiguration.addCaCertificates(cas);
    }
    if (d->config.encryption() && (!d->globalCipher.isValid() || d->globalKeyFor != d->config.authKey())) {
        QString cryptoError;
        const QByteArray key = FrameCipher::deriveGlobalKey(d->config.authKey(), &cryptoError);
        if (key.isEmpty() || !d->globalCipher.setKey(key)) {
            d->setError(Error::CryptoError, key.isEmpty() ? cryptoError : d->globalCipher.errorString());
            return false;
        }
        d->globalKeyFor = d->config.authKey();
    }
    d->closedByUser = false;
    d->setAttempt(0);
    d->setState(State::Connecting);
    d->connectSocket();
    return true;
}

void SocketClient::close()
{
    d->closedByUser = true;
    d->reconnectTimer.stop();
    d->heartBeatTimer.stop();
    d->setAttempt(0);
    if (d->socket && d->socket->state() == QAbstractSocket::ConnectedState) {
        d->socket->close(QWebSocketProtocol::CloseCodeNormal);
        return; // disconnected() completes the transition
    }
    d->dropSocket();
    d->sessionCipher.clear();
    d->setState(State::Disconnected);
}

bool SocketClient::send(const QString &request, const QJsonValue &data)
{
    if (!d->socket || d->socket->state() != QAbstractSocket::ConnectedState) {
        d->setError(Error::NotConnected, tr("Cannot send \"%1\": not connected").arg(request));
        return false;
    }
    return d->sendJson(Message::encodeRequest(request, data));
}

SocketClient::Error SocketClient::error() const
{
    return d->error;
}

QString SocketClient::errorString() const
{
    return d->errorString;
}

qint64 SocketClient::backoffDelay(int attempt, int baseDelay, int maxDelay)
{
    if (attempt < 1)
        return 0;
    const int shift = std::min(attempt - 1, 40); // beyond 2^40 the cap applies anyway
    const qint64 delay = qint64(baseDelay) << shift;
    return std::min(delay, qint64(maxDelay));
}

} // namespace Stonyx::Sockets
