// SPDX-License-Identifier: MIT
#include "deviceagent.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

#include <cmath>
#include <cstdio>

using namespace Stonyx::Sockets;

DeviceAgent::DeviceAgent(const SocketConfig &config, const Options &options, QObject *parent)
    : QObject(parent)
    , m_client(config)
    , m_options(options)
{
    m_uptime.start();
    m_client.setAuthData({{QStringLiteral("deviceId"), options.deviceId},
                          {QStringLiteral("kind"), QStringLiteral("sensor")},
                          {QStringLiteral("platform"), QSysInfo::prettyProductName()}});
    m_timer.setInterval(options.intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DeviceAgent::sendTelemetry);

    //! [session events]
    connect(&m_client, &SocketClient::authenticated, this, [this] {
        print(tr("authenticated as %1").arg(m_options.deviceId));
        sendTelemetry();
        m_timer.start();
    });
    connect(&m_client, &SocketClient::disconnected, this, [this](int code, const QString &reason) {
        m_timer.stop();
        print(reason.isEmpty() ? tr("disconnected (code %1)").arg(code)
                               : tr("disconnected (code %1: %2)").arg(code).arg(reason));
    });
    connect(&m_client, &SocketClient::reconnecting, this, [](int attempt, int delay) {
        print(tr("reconnecting in %1 ms (attempt %2)").arg(delay).arg(attempt));
    });
    connect(&m_client, &SocketClient::reconnected, this, [] { print(tr("reconnected")); });
    connect(&m_client, &SocketClient::errorOccurred, this, [this](SocketClient::Error error) {
        if (error != SocketClient::Error::ConnectionError) // refused connections show as reconnect attempts
            print(tr("error: %1").arg(m_client.errorString()));
    });
    //! [session events]

    //! [command handler]
    m_client.registerHandler(QStringLiteral("command"), [this](const QJsonValue &command) { onCommand(command); });
    //! [command handler]
    m_client.registerHandler(m_options.telemetryRequest, [](const QJsonValue &ack) {
        print(tr("telemetry #%1 acknowledged").arg(ack[u"seq"].toInt()));
    });
}

bool DeviceAgent::start()
{
    print(tr("device %1 connecting to %2").arg(m_options.deviceId, m_client.config().address().toString()));
    if (!m_client.open()) {
        print(tr("error: %1").arg(m_client.errorString()));
        return false;
    }
    return true;
}

QJsonObject DeviceAgent::snapshot() const
{
    // A real device reads its sensors here; this one reports the system load and a
    // simulated temperature.
    double load = -1;
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    if (loadavg.open(QIODevice::ReadOnly))
        load = QString::fromLatin1(loadavg.readAll()).section(u' ', 0, 0).toDouble();
    const double seconds = double(m_uptime.elapsed()) / 1000.0;
    return {
        {QStringLiteral("seq"), m_sequence},
        {QStringLiteral("uptimeMs"), double(m_uptime.elapsed())},
        {QStringLiteral("load"), load},
        {QStringLiteral("temperature"), std::round((40.0 + 5.0 * std::sin(seconds / 30.0)) * 10.0) / 10.0},
    };
}

void DeviceAgent::sendTelemetry()
{
    ++m_sequence;
    if (m_client.send(m_options.telemetryRequest, snapshot()))
        print(tr("telemetry #%1 sent").arg(m_sequence));
}

void DeviceAgent::onCommand(const QJsonValue &command)
{
    const QString action = command[u"action"].toString();
    QJsonObject result{{QStringLiteral("id"), command[u"id"]}, {QStringLiteral("action"), action}};
    if (action == u"ping") {
        result.insert(u"ok", true);
        result.insert(u"result", QJsonObject{{QStringLiteral("pong"), true}});
    } else if (action == u"status") {
        result.insert(u"ok", true);
        result.insert(u"result", snapshot());
    } else if (action == u"set-interval" && command[u"ms"].toInt() > 0) {
        m_options.intervalMs = command[u"ms"].toInt();
        m_timer.setInterval(m_options.intervalMs);
        result.insert(u"ok", true);
        result.insert(u"result", QJsonObject{{QStringLiteral("intervalMs"), m_options.intervalMs}});
    } else {
        result.insert(u"ok", false);
        result.insert(u"error", tr("unknown command \"%1\"").arg(action));
    }
    print(tr("command %1 (id %2): %3")
              .arg(action.isEmpty() ? tr("(none)") : action, QString::number(command[u"id"].toDouble()),
                   result[u"ok"].toBool() ? tr("done") : tr("refused")));
    m_client.send(QStringLiteral("commandResult"), result);
}

void DeviceAgent::print(const QString &line)
{
    std::printf("%s\n", qUtf8Printable(line));
    std::fflush(stdout);
}
