// SPDX-License-Identifier: MIT
#pragma once

#include <Stonyx/Sockets/SocketClient>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

/*!
    The agent of one (simulated) embedded device: it authenticates with its device id
    in the auth data, sends a telemetry message every interval, answers the server's
    \c command messages with a \c commandResult request, and keeps reconnecting when
    the server goes away. Every event is printed as one line on stdout.
*/
class DeviceAgent : public QObject
{
    Q_OBJECT

public:
    /*! The agent's settings. */
    struct Options {
        QString deviceId;
        int intervalMs = 5000;
        QString telemetryRequest = QStringLiteral("telemetry");
    };

    DeviceAgent(const Stonyx::Sockets::SocketConfig &config, const Options &options, QObject *parent = nullptr);

    /*! Connects; returns false (after printing why) if the configuration is unusable. */
    bool start();

private:
    void sendTelemetry();
    void onCommand(const QJsonValue &command);
    QJsonObject snapshot() const;
    static void print(const QString &line);

    Stonyx::Sockets::SocketClient m_client;
    Options m_options;
    QTimer m_timer;
    QElapsedTimer m_uptime;
    int m_sequence = 0;
};
