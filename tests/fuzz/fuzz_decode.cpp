// SPDX-License-Identifier: MIT
// libFuzzer target: the message reader and writer against QJsonDocument, the
// reference they must match byte for byte and value for value.
//
// The input is read as a message three ways: as UTF-8 bytes (an encrypted frame's
// plaintext), as the text of a text frame (when it is valid UTF-8, as QWebSocket
// requires), and as raw UTF-16 units (lone surrogates included, which no text frame
// gives but the reader must still not get wrong). Each must give QJsonDocument's
// verdict and members on the UTF-8 form. A message read is then written back as a
// response and compared with what QJsonDocument writes.

#include "message_p.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QString>
#include <QStringDecoder>

#include <cstdio>
#include <cstdlib>

using namespace Stonyx::Sockets;

namespace {

[[noreturn]] void fail(const char *what, const QByteArray &utf8)
{
    std::fprintf(stderr, "fuzz_decode: %s for %s\n", what, utf8.toHex().constData());
    std::abort();
}

void check(Message::DecodeResult result, const Message::Incoming &message, const QByteArray &utf8)
{
    QJsonParseError error;
    const QJsonDocument reference = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError || !reference.isObject()) {
        if (result == Message::DecodeResult::Ok)
            fail("accepted what QJsonDocument refuses", utf8);
        return;
    }
    if (result != Message::DecodeResult::Ok)
        fail("refused a JSON object", utf8);
    // Rebuilt member by member: QJsonDocument sorts keys before it drops a U+FEFF
    // from them, and QJsonObject's == compares in stored order.
    QJsonObject object;
    const QJsonObject parsed = reference.object();
    for (auto it = parsed.constBegin(); it != parsed.constEnd(); ++it)
        object.insert(it.key(), it.value());
    if (message.toObject() != object)
        fail("members differ", utf8);
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (message.value(it.key()) != it.value())
            fail("value() differs", utf8);
    }
    const QJsonValue request = object.value(u"request");
    if (message.request != (request.isString() ? request.toString() : QString()))
        fail("request differs", utf8);
    if (message.payload != object.value(u"data"))
        fail("payload differs", utf8);

    // Written back: as QJsonDocument writes the same object.
    QJsonObject response{{QStringLiteral("request"), message.request}};
    if (!message.payload.isUndefined())
        response.insert(u"response", message.payload);
    if (Message::encodeResponse(message.request, message.payload) != QJsonDocument(response).toJson(QJsonDocument::Compact))
        fail("written response differs", utf8);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Message::Incoming message;
    QString error;
    check(Message::decode(bytes, u"data", &message, &error), message, bytes);

    QStringDecoder strict(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    const QString text = strict.decode(bytes);
    if (!strict.hasError()) {
        if (Message::utf8Length(text) != bytes.size())
            fail("utf8Length differs", bytes);
        check(Message::decode(QStringView(text), u"data", &message, &error), message, bytes);
    }

    const QString units(reinterpret_cast<const QChar *>(data), qsizetype(size / 2));
    check(Message::decode(QStringView(units), u"data", &message, &error), message, units.toUtf8());
    return 0;
}
