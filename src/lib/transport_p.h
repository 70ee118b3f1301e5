// SPDX-License-Identifier: MIT
#pragma once

// Internal to the library: the byte stream under one server connection's WebSocket
// (ServerWebSocket). Not installed.
//
// Two kinds:
//  - DescriptorTransport, for ws://: the accepted descriptor itself, read with recv()
//    into the caller's buffer and written with sendmsg() straight from the caller's
//    memory, with a read and a write QSocketNotifier. Per connection this is two small
//    notifiers and no buffer while idle: QTcpSocket kept a 16 KiB read block (and a
//    16 KiB write block) per socket for good, whose first page counted in the resident
//    memory of every held connection, and it asked the kernel how much there was
//    (ioctl FIONREAD) before each read and copied every byte once more.
//  - SocketTransport, for wss://: a QSslSocket (TLS needs it) behind the same interface.
//
// Thread affinity: lives on its connection's thread; call it there only.

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
class QTcpSocket;
QT_END_NAMESPACE

namespace Stonyx::Sockets {

class Transport : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /*! True from acceptance until the connection is closed or lost. */
    virtual bool isConnected() const = 0;
    virtual QHostAddress peerAddress() const = 0;
    virtual quint16 peerPort() const = 0;

    /*!
        Reads what there is, at most \a maxSize bytes, into \a data. Returns how many,
        0 if there is nothing now (readyRead() tells when there is), -1 if the peer's
        stream ended. After a clean end (a half-close) writing still works: the caller
        answers what it read, then calls disconnectFromHost(). After a failure (a
        reset) disconnected() follows from the event loop.
    */
    virtual qint64 read(char *data, qint64 maxSize) = 0;
    /*! Stops (false) or resumes (true) reading from the peer: TCP backpressure slows it meanwhile. */
    virtual void setReading(bool reading) = 0;

    /*! Writes \a head then \a payload, now if it can, else queued; false if the connection is gone. */
    virtual bool write(QByteArrayView head, QByteArrayView payload = {}) = 0;
    /*! Bytes queued, not yet taken by the kernel. */
    virtual qint64 bytesToWrite() const = 0;
    /*! Hands the kernel what it takes of the queue now. */
    virtual bool flush() = 0;

    /*! Closes once the queue is written (the peer sees the end of the stream). */
    virtual void disconnectFromHost() = 0;
    /*! Closes at once, dropping the queue (the peer sees a reset if data was pending). */
    virtual void abort() = 0;

Q_SIGNALS:
    /*! There is something to read (or the end of the stream, which read() returns as -1). */
    void readyRead();
    /*! The connection is closed or lost; emitted once. */
    void disconnected();
};

/*! ws://: the accepted descriptor, with no socket object over it. */
class DescriptorTransport final : public Transport
{
    Q_OBJECT

public:
    /*! Takes \a descriptor (connected, from accept()); closes it when destroyed. */
    explicit DescriptorTransport(qintptr descriptor, QObject *parent = nullptr);
    ~DescriptorTransport() override;

    bool isConnected() const override { return m_descriptor >= 0; }
    QHostAddress peerAddress() const override { return m_peerAddress; }
    quint16 peerPort() const override { return m_peerPort; }
    qint64 read(char *data, qint64 maxSize) override;
    void setReading(bool reading) override;
    bool write(QByteArrayView head, QByteArrayView payload = {}) override;
    qint64 bytesToWrite() const override { return m_queue.size() - m_queueHead; }
    bool flush() override;
    void disconnectFromHost() override;
    void abort() override;

private:
    void onReadable();
    void onWritable();
    void closeDescriptor();

    int m_descriptor = -1;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // enabled while bytes are queued
    QByteArray m_queue;      // what the kernel did not take yet, from m_queueHead on
    qsizetype m_queueHead = 0;
    bool m_reading = true;
    bool m_readEnded = false; // the peer ended its stream (it may still read)
    bool m_closeWhenWritten = false;
};

/*! wss://: a QSslSocket (or any QTcpSocket), made a child of the transport. */
class SocketTransport final : public Transport
{
    Q_OBJECT

public:
    explicit SocketTransport(QTcpSocket *socket, QObject *parent = nullptr);

    QTcpSocket *socket() const { return m_socket; }
    bool isConnected() const override;
    QHostAddress peerAddress() const override { return m_peerAddress; }
    quint16 peerPort() const override { return m_peerPort; }
    qint64 read(char *data, qint64 maxSize) override;
    void setReading(bool reading) override;
    bool write(QByteArrayView head, QByteArrayView payload = {}) override;
    qint64 bytesToWrite() const override;
    bool flush() override;
    void disconnectFromHost() override;
    void abort() override;

private:
    QPointer<QTcpSocket> m_socket;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    bool m_disconnected = false;
};

} // namespace Stonyx::Sockets
