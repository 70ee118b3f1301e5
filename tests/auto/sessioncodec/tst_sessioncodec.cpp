// SPDX-License-Identifier: MIT
// SessionCodec: key selection, decrypt + parse, encode + seal, against the Node.js-made
// vectors of ../shared/protocol/vectors.json and against itself (a server's and a
// client's codec through the auth sequence).

#include <Stonyx/Sockets/FrameCipher>
#include "sessioncodec_p.h"
#include "decodecorpus.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <limits>

namespace Stonyx::Sockets {
// Test access to the codec's chosen-IV encode (declared a friend in sessioncodec_p.h).
struct SessionCodecTestAccess {
    static bool encodeWithIv(SessionCodec &codec, const QByteArray &json, SessionCodec::KeyChoice key, QByteArray *frame,
                             QString *error, QByteArrayView iv)
    {
        return codec.encode(json, key, frame, error, iv);
    }
};
} // namespace Stonyx::Sockets

using namespace Stonyx::Sockets;

class tst_SessionCodec : public QObject
{
    Q_OBJECT

private:
    QJsonObject m_vectors;
    std::shared_ptr<const AesGcm::Key> m_globalKey;
    QByteArray m_sessionKey;

    // A codec as a connection has it: under the global key, with the session key set
    // for frames the vectors mark "session".
    SessionCodec codecFor(const QString &which) const
    {
        SessionCodec codec(m_globalKey);
        QString error;
        if (which == u"session")
            [&] { QVERIFY2(codec.setSessionKey(m_sessionKey, &error), qPrintable(error)); }();
        return codec;
    }

    static std::shared_ptr<const AesGcm::Key> makeKey(QByteArrayView bytes)
    {
        AesGcm::Error error = AesGcm::Error::None;
        auto key = AesGcm::Key::create(AesGcm::Algorithm::fetch(&error), bytes, &error);
        [&] { QVERIFY2(key, qPrintable(AesGcm::describe(error, bytes.size()))); }();
        return key;
    }

    void addFrameRows()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("iv");
        QTest::addColumn<QByteArray>("plaintext");
        QTest::addColumn<QByteArray>("frame");
        const QJsonArray list = m_vectors.value(u"frames").toArray();
        QVERIFY(!list.isEmpty());
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            QTest::addRow("%s", qPrintable(o.value(u"name").toString()))
                << o.value(u"key").toString() << QByteArray::fromHex(o.value(u"iv").toString().toLatin1())
                << o.value(u"plaintext").toString().toUtf8() << QByteArray::fromHex(o.value(u"frame").toString().toLatin1());
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QFile file(QStringLiteral(STONYX_PROTOCOL_VECTORS));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_vectors = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(!m_vectors.isEmpty());
        const QByteArray global = FrameCipher::deriveGlobalKey(m_vectors.value(u"globalKeyFor").toString());
        QCOMPARE(global.size(), AesGcm::KeySize);
        m_globalKey = makeKey(global);
        QVERIFY(m_globalKey);
        m_sessionKey = QByteArray::fromHex(m_vectors.value(u"sessionKey").toString().toLatin1());
        QCOMPARE(m_sessionKey.size(), AesGcm::KeySize);
    }

    // Frame -> message: every vector frame decodes, under the key the codec picks.
    void decodeVectors_data() { addFrameRows(); }
    void decodeVectors()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, frame);
        SessionCodec codec = codecFor(key);
        QVERIFY(codec.isEncrypted());
        const QJsonObject expected = QJsonDocument::fromJson(plaintext).object();
        const bool toServer = expected.contains(u"data");
        Message::Incoming message;
        QString error;
        QCOMPARE(codec.decode(frame, toServer ? u"data" : u"response", &message, &error), SessionCodec::Decoded::Message);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(message.toObject(), expected);
        QCOMPARE(message.request, expected.value(u"request").toString());
        QCOMPARE(message.payload, expected.value(toServer ? u"data" : u"response"));
        // The same codec keeps working: a second frame decodes too.
        QCOMPARE(codec.decode(frame, u"data", &message, &error), SessionCodec::Decoded::Message);
    }

    // Message -> frame: with the vector's IV, byte for byte what Node.js made.
    void encodeVectors_data() { addFrameRows(); }
    void encodeVectors()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, iv);
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, frame);
        SessionCodec codec = codecFor(key);
        QByteArray sealed;
        QString error;
        QVERIFY2(SessionCodecTestAccess::encodeWithIv(codec, plaintext, SessionCodec::KeyChoice::Current, &sealed, &error, iv),
                 qPrintable(error));
        QCOMPARE(sealed.toHex(), frame.toHex());
        // A random IV: the same text, a different IV each time, and the right size.
        QByteArray a;
        QByteArray b;
        QVERIFY(codec.encode(plaintext, SessionCodec::KeyChoice::Current, &a, &error));
        QVERIFY(codec.encode(plaintext, SessionCodec::KeyChoice::Current, &b, &error));
        QCOMPARE(a.size(), plaintext.size() + AesGcm::Overhead);
        QVERIFY(a.first(AesGcm::IvSize) != b.first(AesGcm::IvSize));
        FrameCipher reference(key == u"session" ? m_sessionKey : FrameCipher::deriveGlobalKey(m_vectors.value(u"globalKeyFor").toString()));
        QByteArray opened;
        QVERIFY(reference.open(a, &opened));
        QCOMPARE(opened, plaintext);
    }

    // An auth response goes out under the global key even once the session key is set.
    void authResponseUnderGlobalKey()
    {
        const QJsonArray list = m_vectors.value(u"frames").toArray();
        QJsonObject vector;
        for (const QJsonValue &v : list) {
            if (v[u"key"].toString() == u"global" && v[u"plaintext"].toString().contains(u"sessionKey"))
                vector = v.toObject();
        }
        QVERIFY(!vector.isEmpty());
        SessionCodec codec = codecFor(QStringLiteral("session"));
        QVERIFY(codec.hasSessionKey());
        QByteArray sealed;
        QString error;
        const QByteArray iv = QByteArray::fromHex(vector[u"iv"].toString().toLatin1());
        const QByteArray plaintext = vector[u"plaintext"].toString().toUtf8();
        QVERIFY(SessionCodecTestAccess::encodeWithIv(codec, plaintext, SessionCodec::KeyChoice::Global, &sealed, &error, iv));
        QCOMPARE(sealed.toHex(), vector[u"frame"].toString().toLatin1());
        // ... and the next message under the session key again, from the same codec.
        QVERIFY(codec.encode("{}", SessionCodec::KeyChoice::Current, &sealed, &error));
        FrameCipher session(m_sessionKey);
        QByteArray opened;
        QVERIFY(session.open(sealed, &opened));
        QCOMPARE(opened, QByteArray("{}"));
    }

    // Every frame the vectors say must be rejected, plus a wrong global key.
    void rejected_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("frame");
        const QJsonArray list = m_vectors.value(u"mustReject").toArray();
        QVERIFY(!list.isEmpty());
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            QTest::addRow("%s", qPrintable(o.value(u"name").toString()))
                << o.value(u"key").toString() << QByteArray::fromHex(o.value(u"frame").toString().toLatin1());
        }
        // A good frame under the global key of another authKey.
        const QJsonObject first = m_vectors.value(u"frames").toArray().first().toObject();
        QTest::addRow("another authKey's global key")
            << QStringLiteral("other") << QByteArray::fromHex(first.value(u"frame").toString().toLatin1());
        QTest::addRow("one byte short of IV and tag") << QStringLiteral("global") << QByteArray(AesGcm::Overhead - 1, 'x');
        QTest::addRow("IV and tag, tag wrong") << QStringLiteral("global") << QByteArray(AesGcm::Overhead, 'x');
    }

    void rejected()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, frame);
        SessionCodec codec = key == u"other" ? SessionCodec(makeKey(FrameCipher::deriveGlobalKey(QStringLiteral("not AUTH_KEY"))))
                                             : codecFor(key);
        Message::Incoming message;
        message.request = QStringLiteral("untouched");
        QString error;
        QCOMPARE(codec.decode(frame, u"data", &message, &error), SessionCodec::Decoded::InvalidFrame);
        QVERIFY(!error.isEmpty());
        QCOMPARE(message.request, QStringLiteral("untouched"));
        if (frame.size() < AesGcm::Overhead)
            QVERIFY2(error.contains(QString::number(frame.size())), qPrintable(error));
        // The codec keeps working after a rejected frame.
        QByteArray sealed;
        QVERIFY(codec.encode("{\"request\":\"x\"}", SessionCodec::KeyChoice::Current, &sealed, &error));
        QCOMPARE(codec.decode(sealed, u"data", &message, &error), SessionCodec::Decoded::Message);
        QCOMPARE(message.request, QStringLiteral("x"));
    }

    // A server's codec and a client's codec through the auth sequence of PROTOCOL.md.
    void authSequence()
    {
        SessionCodec server(m_globalKey);
        SessionCodec client(m_globalKey);
        Message::Incoming message;
        QString error;
        QByteArray frame;

        QVERIFY(client.encode("{\"request\":\"auth\",\"data\":{\"authKey\":\"AUTH_KEY\"}}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(server.decode(frame, u"data", &message, &error), SessionCodec::Decoded::Message);
        QCOMPARE(message.request, QStringLiteral("auth"));

        const QByteArray sessionKey = FrameCipher::randomBytes(AesGcm::KeySize);
        QVERIFY(server.setSessionKey(sessionKey, &error));
        QVERIFY(server.encode("{\"request\":\"auth\",\"response\":true}", SessionCodec::KeyChoice::Global, &frame, &error));
        QCOMPARE(client.decode(frame, u"response", &message, &error), SessionCodec::Decoded::Message);
        QVERIFY(client.setSessionKey(sessionKey, &error));
        QCOMPARE(client.sessionKey(), sessionKey);

        // Session key both ways now.
        QVERIFY(client.encode("{\"request\":\"echo\",\"data\":1}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(server.decode(frame, u"data", &message, &error), SessionCodec::Decoded::Message);
        QCOMPARE(message.payload, QJsonValue(1));
        QVERIFY(server.encode("{\"request\":\"echo\",\"response\":2}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(client.decode(frame, u"response", &message, &error), SessionCodec::Decoded::Message);
        QCOMPARE(message.payload, QJsonValue(2));

        // A frame under the global key is no longer accepted once the session key is set.
        SessionCodec stranger(m_globalKey);
        QVERIFY(stranger.encode("{\"request\":\"echo\"}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(server.decode(frame, u"data", &message, &error), SessionCodec::Decoded::InvalidFrame);

        // A second auth: the server switches to a new session key, answering under the global key.
        const QByteArray newKey = FrameCipher::randomBytes(AesGcm::KeySize);
        QVERIFY(server.setSessionKey(newKey, &error));
        QVERIFY(server.encode("{\"request\":\"auth\",\"response\":true}", SessionCodec::KeyChoice::Global, &frame, &error));
        QVERIFY(stranger.decode(frame, u"response", &message, &error) == SessionCodec::Decoded::Message);
        QVERIFY(server.encode("{\"request\":\"x\",\"response\":3}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(client.decode(frame, u"response", &message, &error), SessionCodec::Decoded::InvalidFrame); // old key
        QVERIFY(client.setSessionKey(newKey, &error));
        QCOMPARE(client.decode(frame, u"response", &message, &error), SessionCodec::Decoded::Message);

        // Back to the global key when the session ends (a client's new connection).
        client.clearSessionKey();
        QVERIFY(!client.hasSessionKey());
        QVERIFY(client.sessionKey().isEmpty());
        QVERIFY(client.encode("{\"request\":\"auth\"}", SessionCodec::KeyChoice::Current, &frame, &error));
        QCOMPARE(stranger.decode(frame, u"data", &message, &error), SessionCodec::Decoded::Message);
    }

    // IVs come from the CSPRNG in batches: never one twice, across batches and key changes.
    void distinctIvs()
    {
        SessionCodec codec(m_globalKey);
        QSet<QByteArray> ivs;
        QString error;
        QByteArray frame;
        const int count = 5 * AesGcm::Context::IvBatch + 3;
        for (int i = 0; i < count; ++i) {
            if (i == count / 2)
                QVERIFY(codec.setSessionKey(m_sessionKey, &error));
            QVERIFY(codec.encode("{}", SessionCodec::KeyChoice::Current, &frame, &error));
            ivs.insert(frame.first(AesGcm::IvSize));
        }
        QCOMPARE(ivs.size(), count);
    }

    // encode() may write over the array its input is in.
    void encodeInPlace()
    {
        SessionCodec codec(m_globalKey);
        const QByteArray text = "{\"request\":\"echo\",\"data\":7}";
        QByteArray buffer = text;
        QString error;
        QVERIFY(codec.encode(buffer, SessionCodec::KeyChoice::Current, &buffer, &error));
        QCOMPARE(buffer.size(), text.size() + AesGcm::Overhead);
        Message::Incoming message;
        QCOMPARE(SessionCodec(m_globalKey).decode(buffer, u"data", &message, &error), SessionCodec::Decoded::Message);
        QCOMPARE(message.payload, QJsonValue(7));
    }

    static QString everyAsciiCharacter()
    {
        QString text;
        for (char16_t c = 0; c < 0x80; ++c)
            text += QChar(c);
        return text;
    }

    // Message's envelope: byte for byte what QJsonDocument writes for the same object,
    // whichever way (written directly, or through a QJsonObject) it was made.
    void envelope()
    {
        const QStringList requests{QStringLiteral("echo"), QStringLiteral("auth"), QString(), QStringLiteral("a \"quoted\" one"),
                                   QStringLiteral("back\\slash"), QStringLiteral("t\tab"), QStringLiteral("d\u00e9j\u00e0"),
                                   QStringLiteral("del\u007f")};
        const QList<QJsonValue> values{QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Null), QJsonValue(true),
                                       QJsonValue(false), QJsonValue(QJsonObject{{QStringLiteral("b"), QJsonArray{1, QStringLiteral("x")}},
                                                                               {QStringLiteral("a"), 1}}),
                                       QJsonValue(QJsonObject()), QJsonValue(QJsonArray{1, 2.5}), QJsonValue(2.5), QJsonValue(42),
                                       QJsonValue(QStringLiteral("str")), QJsonValue(QStringLiteral("\u00fc\"\n")),
                                       QJsonValue(1e15), QJsonValue(1e20), QJsonValue(-0.0), QJsonValue(0.1), QJsonValue(1e-7),
                                       QJsonValue(9007199254740992.0), QJsonValue(9007199254740994.0), QJsonValue(-3.0),
                                       QJsonValue(qint64(1) << 60), QJsonValue((qint64(1) << 60) + 1), QJsonValue(-7),
                                       QJsonValue(std::numeric_limits<double>::quiet_NaN()),
                                       QJsonValue(std::numeric_limits<double>::infinity()),
                                       QJsonDocument::fromJson("[12345678901234567, 1.5e300, -0]").array().at(0),
                                       QJsonDocument::fromJson("[12345678901234567, 1.5e300, -0]").array().at(1),
                                       QJsonDocument::fromJson("[12345678901234567, 1.5e300, -0]").array().at(2),
                                       QJsonValue(everyAsciiCharacter()), QJsonValue(QStringLiteral("\U0001F600 pair")),
                                       QJsonValue(QString(QChar(0xd83d)) + u"lone high"),
                                       QJsonValue(u"lone low" + QString(QChar(0xde00))),
                                       QJsonValue(QString(QChar(0xde00)) + QChar(0xd83d)), QJsonValue(QString(QChar(0xfffe))),
                                       QJsonValue(QStringLiteral("\u2028\u2029\u00a0\u0800")),
                                       // Long: the buffer sized for plain ASCII grows for escapes and UTF-8.
                                       QJsonValue(QString(5000, u'x') + u"\"\n"), QJsonValue(QString(3001, u'y') + u"\u00e9\U0001F600"),
                                       QJsonValue(QString(4096, QChar(0x1f))), QJsonValue(QString(4095, u'\u20ac'))};
        const QStringList sessionKeys{QString(), QStringLiteral("AAECAwQF+/8="), QStringLiteral("odd\"key")};
        auto reference = [](const QString &request, const QString &key, const QJsonValue &value, const QString &sessionKey) {
            QJsonObject object{{QStringLiteral("request"), request}};
            if (!value.isUndefined())
                object.insert(key, value);
            if (!sessionKey.isEmpty())
                object.insert(QStringLiteral("sessionKey"), sessionKey);
            return QJsonDocument(object).toJson(QJsonDocument::Compact);
        };
        int checked = 0;
        for (const QString &request : requests) {
            for (const QJsonValue &value : values) {
                QCOMPARE(Message::encodeRequest(request, value), reference(request, QStringLiteral("data"), value, QString()));
                for (const QString &sessionKey : sessionKeys) {
                    QCOMPARE(Message::encodeResponse(request, value, sessionKey),
                             reference(request, QStringLiteral("response"), value, sessionKey));
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, requests.size() * values.size() * sessionKeys.size());

        // Any value alone (the request id is written so) as QJsonDocument writes it.
        for (const QJsonValue &value : values) {
            if (value.isUndefined())
                continue;
            const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
            QCOMPARE(Message::toJsonText(value), wrapped.mid(1, wrapped.size() - 2));
        }

        // Random strings from code units that need care: controls, quotes, backslashes,
        // non-ASCII, surrogates paired and not.
        static constexpr char16_t Units[] = {0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x20, u'"', u'\\', u'a', 0x7e,
                                             0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xd83d, 0xde00, 0xdfff, 0xe000, 0xfffd, 0xffff};
        QRandomGenerator random(20261203);
        for (int i = 0; i < 5000; ++i) {
            QString text;
            // Mostly plain letters, so that the word-at-a-time scan meets a character
            // to escape at every position of a word.
            for (int n = int(random.bounded(40)); n > 0; --n)
                text += random.bounded(2) ? QChar(u'a') : QChar(Units[random.bounded(int(std::size(Units)))]);
            const QJsonValue value(text);
            QCOMPARE(Message::encodeResponse(text, value), reference(text, QStringLiteral("response"), value, QString()));
        }
    }

    // Message::decode reads the common message itself and leaves the rest to
    // QJsonDocument: either way, what is accepted and the values read must be what
    // QJsonDocument makes of the whole text.
    // The direct reader, of UTF-8 bytes and of UTF-16 text, against QJsonDocument on
    // the UTF-8 form: the same verdict, the same members.
    void directDecode()
    {
        auto same = [](Message::DecodeResult result, const Message::Incoming &message, const QByteArray &utf8) {
            QJsonParseError parseError;
            const QJsonDocument reference = QJsonDocument::fromJson(utf8, &parseError);
            if (parseError.error != QJsonParseError::NoError || !reference.isObject())
                return result != Message::DecodeResult::Ok;
            // Rebuilt member by member: QJsonDocument sorts keys before it drops a U+FEFF
            // from them, and QJsonObject's == compares in stored order.
            QJsonObject object;
            const QJsonObject parsed = reference.object();
            for (auto it = parsed.constBegin(); it != parsed.constEnd(); ++it)
                object.insert(it.key(), it.value());
            if (result != Message::DecodeResult::Ok || message.toObject() != object
                || QJsonDocument(message.toObject()).toJson() != QJsonDocument(object).toJson() || message.payload != object.value(u"data")
                || message.request != (object.value(u"request").isString() ? object.value(u"request").toString() : QString())
                || !message.value(u"absent").isUndefined())
                return false;
            for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
                if (message.value(it.key()) != it.value())
                    return false;
            }
            return true;
        };
        // The request name of the message before: the reader shares it when the next
        // one is spelled the same, and must read every other spelling as it is.
        QString recent = QStringLiteral("echo");
        auto check = [&same, &recent](const QByteArray &json) {
            Message::Incoming message;
            QString error;
            if (!same(Message::decode(json, u"data", &message, &error), message, json)) {
                qWarning() << "UTF-8 differs:" << json << QJsonDocument(message.toObject()).toJson(QJsonDocument::Compact);
                return false;
            }
            Message::Incoming withRecent;
            withRecent.recentRequest = recent;
            if (!same(Message::decode(json, u"data", &withRecent, &error), withRecent, json)) {
                qWarning() << "UTF-8 with the recent request" << recent << "differs:" << json;
                return false;
            }
            if (!withRecent.request.isEmpty())
                recent = withRecent.request;
            // The text of a text frame, as QWebSocket gives it (invalid UTF-8 is refused before).
            const QString text = QString::fromUtf8(json);
            if (text.toUtf8() == json && Message::utf8Length(text) != json.size()) {
                qWarning() << "UTF-8 length differs:" << text << Message::utf8Length(text) << json.size();
                return false;
            }
            if (text.toUtf8() == json && !same(Message::decode(QStringView(text), u"data", &message, &error), message, json)) {
                qWarning() << "UTF-16 differs:" << text << QJsonDocument(message.toObject()).toJson(QJsonDocument::Compact);
                return false;
            }
            return true;
        };
        auto checkText = [&same](const QString &text) {
            Message::Incoming message;
            QString error;
            const bool ok = same(Message::decode(QStringView(text), u"data", &message, &error), message, text.toUtf8());
            if (!ok)
                qWarning() << "UTF-16 differs:" << text << QJsonDocument(message.toObject()).toJson(QJsonDocument::Compact);
            return ok;
        };
        const QList<QByteArray> corpus = DecodeCorpus::messages();
        for (const QByteArray &json : corpus)
            QVERIFY2(check(json), json.constData());

        // Random token strings: mostly near-messages, often broken.
        const QList<QByteArray> tokens = DecodeCorpus::tokens();
        QRandomGenerator random(20261203);
        for (int i = 0; i < 20000; ++i) {
            QByteArray json = "{";
            for (int n = 1 + int(random.bounded(10)); n > 0; --n)
                json += tokens.at(int(random.bounded(int(tokens.size()))));
            if (random.bounded(2))
                json += '}';
            QVERIFY2(check(json), json.constData());
            // And the same tokens as a well-formed message around a random value.
            const QByteArray value = tokens.at(int(random.bounded(int(tokens.size()))));
            const QByteArray message = DecodeCorpus::echoAround(value, tokens.at(int(random.bounded(int(tokens.size())))));
            QVERIFY2(check(message), message.constData());
            // A string of random pieces: escapes, UTF-8 (valid or not), surrogates.
            QByteArray piece;
            for (int n = int(random.bounded(12)); n > 0; --n)
                piece += DecodeCorpus::stringPieces().at(int(random.bounded(int(DecodeCorpus::stringPieces().size()))));
            const QByteArray withString = "{\"request\":\"" + piece + "\",\"data\":\"" + piece + "\",\"" + piece + "\":1}";
            QVERIFY2(check(withString), withString.toHex().constData());
        }

        // UTF-16 that no valid UTF-8 gives: a lone surrogate, which QJsonDocument sees
        // (through toUtf8()) as '?'; and pairs, whole or cut.
        const QList<QString> texts = {
            QString::fromUtf16(u"{\"request\":\"a\xd800" u"b\"}"), QString::fromUtf16(u"{\"request\":\"a\xdc00\"}"),
            QString::fromUtf16(u"{\"request\":\"\xd83d\xde00\"}"), QString::fromUtf16(u"{\"request\":\"\xd83d\"}"),
            QString::fromUtf16(u"{\"\xd83d\xde00\":\"\xde00\xd83d\"}"), QString::fromUtf16(u"{\"data\":[\"\xd800\"]}"),
        };
        for (const QString &text : texts)
            QVERIFY2(checkText(text), qPrintable(text));

        // A repeated "request": the last one counts, also when it is not a string.
        Message::Incoming message;
        QString error;
        QCOMPARE(Message::decode(QByteArray("{\"request\":\"a\",\"request\":7}"), u"data", &message, &error), Message::DecodeResult::Ok);
        QVERIFY(message.request.isEmpty());
        QCOMPARE(message.value(u"request"), QJsonValue(7));
        QCOMPARE(Message::decode(QByteArray("{\"request\":7,\"request\":\"b\"}"), u"data", &message, &error), Message::DecodeResult::Ok);
        QCOMPARE(message.request, QStringLiteral("b"));
        QCOMPARE(message.value(u"request"), QJsonValue(QStringLiteral("b")));
        // A request spelled as the recent one shares its string; any other spelling,
        // escaped, longer, shorter or in other case, is read as it is.
        message.recentRequest = QString::fromLatin1("echo"); // on the heap, as a decoded name is
        QCOMPARE(Message::decode(QByteArray("{\"request\":\"echo\",\"data\":1}"), u"data", &message, &error), Message::DecodeResult::Ok);
        QCOMPARE(message.request, QStringLiteral("echo"));
        QVERIFY(message.request.isSharedWith(message.recentRequest));
        for (const char *other : {"ech\\u006f", "echoo", "ech", "Echo", "", "\\\"echo"}) {
            const QByteArray json = QByteArray("{\"request\":\"") + other + "\"}";
            QCOMPARE(Message::decode(json, u"data", &message, &error), Message::DecodeResult::Ok);
            QCOMPARE(message.request, QJsonDocument::fromJson(json).object().value(u"request").toString());
            QVERIFY(!message.request.isSharedWith(message.recentRequest) || message.request == u"echo");
        }
        message.recentRequest.clear();
        // A reused Incoming keeps nothing of the previous message.
        QCOMPARE(Message::decode(QByteArray("{\"id\":3}"), u"data", &message, &error), Message::DecodeResult::Ok);
        QVERIFY(message.request.isEmpty());
        QVERIFY(message.value(u"request").isUndefined());
        QCOMPARE(message.toObject(), QJsonObject({{QStringLiteral("id"), 3}}));
    }

    void encodeIntoAReusedBuffer()
    {
        // The worker writes its answers into one buffer: the text is the same as
        // without it, an answer still held is never overwritten by the next one, and
        // the buffer's memory is reused once the answer is let go.
        QByteArray buffer;
        const QList<QJsonValue> values{QJsonValue(QStringLiteral("pong")), QJsonValue(42), QJsonValue(true),
                                       QJsonValue(QJsonObject{{QStringLiteral("a"), 1}}), QJsonValue(QString(300, u'x')),
                                       QJsonValue(QStringLiteral("\u00e9\u4e2d"))};
        QList<QByteArray> held;
        for (const QJsonValue &value : values) {
            const QByteArray expected = Message::encodeResponse(QStringLiteral("echo"), value);
            held << Message::encodeResponse(QStringLiteral("echo"), value, &buffer);
            QCOMPARE(held.last(), expected);
        }
        for (qsizetype i = 0; i < values.size(); ++i) // each still whole
            QCOMPARE(held.at(i), Message::encodeResponse(QStringLiteral("echo"), values.at(i)));
        held.clear();
        const char *memory = Message::encodeResponse(QStringLiteral("echo"), QJsonValue(1), &buffer).constData();
        QCOMPARE(Message::encodeResponse(QStringLiteral("echo"), QJsonValue(2), &buffer).constData(), memory);
        // A large answer does not keep its memory in the buffer.
        const QByteArray large = Message::encodeResponse(QStringLiteral("echo"), QJsonValue(QString(100000, u'y')), &buffer);
        QCOMPARE(large.size(), qsizetype(100000 + 32)); // {"request":"echo","response":"..."}
        QVERIFY(buffer.capacity() <= Message::KeptBufferCapacity);
    }

    void invalidSessionKey()
    {
        SessionCodec codec(m_globalKey);
        QString error;
        QVERIFY(!codec.setSessionKey(QByteArray(31, 'k'), &error));
        QVERIFY(error.contains(u"31"));
        QVERIFY(!codec.hasSessionKey());
        // Still under the global key.
        QByteArray frame;
        QVERIFY(codec.encode("{}", SessionCodec::KeyChoice::Current, &frame, &error));
        Message::Incoming message;
        QCOMPARE(SessionCodec(m_globalKey).decode(frame, u"data", &message, &error), SessionCodec::Decoded::Message);
    }

    // Encryption off: frames are the JSON text, shared rather than copied.
    void plain_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("decoded");
        QTest::addRow("object") << QByteArray("{\"request\":\"echo\",\"data\":{\"a\":1}}") << int(SessionCodec::Decoded::Message);
        QTest::addRow("array") << QByteArray("[1,2]") << int(SessionCodec::Decoded::NotAnObject);
        QTest::addRow("string") << QByteArray("\"x\"") << int(SessionCodec::Decoded::NotAnObject);
        QTest::addRow("number") << QByteArray("42") << int(SessionCodec::Decoded::NotAnObject);
        QTest::addRow("garbage") << QByteArray("{request") << int(SessionCodec::Decoded::InvalidJson);
        QTest::addRow("empty") << QByteArray() << int(SessionCodec::Decoded::InvalidJson);
        // An encrypted frame sent to a plain peer is not JSON.
        QTest::addRow("ciphertext") << QByteArray::fromHex("a0a1a2a3a4a5a6a7a8a9aaab289b97c24eb47cd6b3bc092c")
                                    << int(SessionCodec::Decoded::InvalidJson);
    }

    void plain()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, decoded);
        SessionCodec codec;
        QVERIFY(!codec.isEncrypted());
        QString error;
        QVERIFY(codec.setSessionKey(QByteArray(32, 'k'), &error)); // ignored
        QVERIFY(!codec.hasSessionKey());
        Message::Incoming message;
        QCOMPARE(int(codec.decode(frame, u"data", &message, &error)), decoded);
        QCOMPARE(error.isEmpty(), decoded == int(SessionCodec::Decoded::Message));
        if (decoded == int(SessionCodec::Decoded::Message))
            QCOMPARE(message.payload, QJsonValue(QJsonObject{{QStringLiteral("a"), 1}}));

        QByteArray out;
        QVERIFY(codec.encode(frame, SessionCodec::KeyChoice::Global, &out, &error));
        QCOMPARE(out, frame);
        QCOMPARE(out.constData(), frame.constData()); // not copied
    }
};

QTEST_GUILESS_MAIN(tst_SessionCodec)
#include "tst_sessioncodec.moc"
