// SPDX-License-Identifier: MIT
#pragma once

// Shared by the fuzz targets and the seed writer: the input format, the private-state
// seams and the fixed keys.
//
// Input format: byte 0 selects the mode (bits, see each target); then records of
//   [flags: 1 byte][length: 2 bytes, big endian][payload: length bytes, cut at the end]
// flags bit 0: seal the payload with the cipher the receiving side expects now
//              (so the JSON and dispatch paths are reached under encryption);
//              otherwise the payload goes in as the raw frame bytes.
// flags bit 1: deliver it as a text frame (UTF-8 round trip, as QWebSocket does).

#include "socketclient.h"
#include "socketconnection.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace FuzzSupport {

inline constexpr char AuthKey[] = "AUTH_KEY";
// The session key of the protocol vectors: authenticated connections use it, so the
// vectors' session-key frames decrypt as they are.
inline QByteArray vectorSessionKey()
{
    return QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
}

enum RecordFlag : std::uint8_t { Seal = 0x01, Text = 0x02 };

struct Record {
    std::uint8_t flags = 0;
    QByteArray payload;
};

class Input
{
public:
    Input(const std::uint8_t *data, std::size_t size)
        : m_data(data)
        , m_size(size)
    {
    }
    std::uint8_t mode() const { return m_size ? m_data[0] : 0; }
    bool next(Record *record)
    {
        if (m_pos + 3 > m_size)
            return false;
        record->flags = m_data[m_pos];
        std::size_t length = std::size_t(m_data[m_pos + 1]) << 8 | m_data[m_pos + 2];
        m_pos += 3;
        length = std::min(length, m_size - m_pos);
        record->payload = QByteArray(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(length));
        m_pos += length;
        return true;
    }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 1;
};

/*! Appends one record in the input format (the seed writer uses this). */
inline void appendRecord(QByteArray *input, std::uint8_t flags, const QByteArray &payload)
{
    const qsizetype length = std::min<qsizetype>(payload.size(), 0xffff);
    input->append(char(flags));
    input->append(char((length >> 8) & 0xff));
    input->append(char(length & 0xff));
    input->append(payload.left(length));
}

// The state behind SocketConnection and SocketClient is private (only the library's
// own classes are friends). Explicit instantiation is exempt from access checks
// ([temp.spec.general]), which lets this test-only code take the member pointers
// without widening the library's headers.
template <typename Tag, auto Member>
struct Grant {
    friend auto memberPointer(Tag) { return Member; }
};
struct ConnectionTag {
    friend auto memberPointer(ConnectionTag);
};
struct ClientTag {
    friend auto memberPointer(ClientTag);
};
template struct Grant<ConnectionTag, &Stonyx::Sockets::SocketConnection::d>;
template struct Grant<ClientTag, &Stonyx::Sockets::SocketClient::d>;

/*! The SocketConnection::Private of \a connection. */
inline auto *privateOf(Stonyx::Sockets::SocketConnection *connection)
{
    return (connection->*memberPointer(ConnectionTag{})).get();
}
/*! The SocketClientPrivate of \a client. */
inline auto *privateOf(Stonyx::Sockets::SocketClient *client)
{
    return (client->*memberPointer(ClientTag{})).get();
}

} // namespace FuzzSupport
