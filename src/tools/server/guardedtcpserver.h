// SPDX-License-Identifier: MIT
#pragma once

// The listening socket of the metrics and admin port. Qt 6.4's QHttpServer buffers a
// whole request (however long its body or a header line) before any route runs and
// never times a connection out, so on its own one peer could take the process's
// memory, or its file descriptors away from the WebSocket port. This server puts
// bounds on every connection before QHttpServer reads from it. Thread affinity: the
// thread that created it (the tool's main thread), like its sockets.

#include <QTcpServer>

class GuardedTcpServer : public QTcpServer
{
public:
    struct Limits {
        int maxConnections = 32;          // open HTTP connections at once; more are closed at once
        qint64 maxRequestBytes = 64 * 1024; // bytes received per request (headers and body)
        int requestTimeoutMs = 5000;      // from a request's first byte to its response
        int idleTimeoutMs = 60000;        // a kept-alive connection with nothing to do
    };

    explicit GuardedTcpServer(Limits limits, QObject *parent = nullptr);

    int openConnections() const { return m_open; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    const Limits m_limits;
    int m_open = 0;
};
