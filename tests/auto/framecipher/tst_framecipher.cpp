// SPDX-License-Identifier: MIT
// FrameCipher against the Node.js-made vectors of ../shared/protocol/vectors.json.

#include <Stonyx/Sockets/FrameCipher>
#include "framecipher_p.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sys/wait.h>
#include <unistd.h>

using Stonyx::Sockets::FrameCipher;
using Stonyx::Sockets::FrameCipherPrivate;

class tst_FrameCipher : public QObject
{
    Q_OBJECT

private:
    QJsonObject m_vectors;
    QByteArray m_globalKey;
    QByteArray m_sessionKey;

    QByteArray keyFor(const QString &which) const
    {
        return which == u"global" ? m_globalKey : m_sessionKey;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QFile file(QStringLiteral(STONYX_PROTOCOL_VECTORS));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_vectors = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(!m_vectors.isEmpty());
        m_globalKey = FrameCipher::deriveGlobalKey(m_vectors.value(u"globalKeyFor").toString());
        QCOMPARE(m_globalKey.size(), FrameCipher::KeySize);
        m_sessionKey = QByteArray::fromHex(m_vectors.value(u"sessionKey").toString().toLatin1());
        QCOMPARE(m_sessionKey.size(), FrameCipher::KeySize);
    }

    void derivation_data()
    {
        QTest::addColumn<QString>("authKey");
        QTest::addColumn<QByteArray>("key");
        const QJsonArray list = m_vectors.value(u"derivation").toArray();
        QVERIFY(!list.isEmpty());
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            QTest::addRow("%s", qPrintable(o.value(u"authKey").toString()))
                << o.value(u"authKey").toString() << QByteArray::fromHex(o.value(u"key").toString().toLatin1());
        }
    }

    void derivation()
    {
        QFETCH(QString, authKey);
        QFETCH(QByteArray, key);
        QString error;
        QCOMPARE(FrameCipher::deriveGlobalKey(authKey, &error).toHex(), key.toHex());
        QVERIFY(error.isEmpty());
    }

    void frames_data()
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
                << o.value(u"plaintext").toString().toUtf8()
                << QByteArray::fromHex(o.value(u"frame").toString().toLatin1());
        }
    }

    void frames()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, iv);
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, frame);
        FrameCipher cipher(keyFor(key));
        QVERIFY(cipher.isValid());

        QByteArray opened;
        QVERIFY2(cipher.open(frame, &opened), qPrintable(cipher.errorString()));
        QCOMPARE(opened, plaintext);
        QCOMPARE(FrameCipherPrivate::sealWithIv(cipher, plaintext, iv).toHex(), frame.toHex());

        // A random-IV frame opens to the same text and never repeats its IV.
        const QByteArray a = cipher.seal(plaintext);
        const QByteArray b = cipher.seal(plaintext);
        QCOMPARE(a.size(), plaintext.size() + FrameCipher::Overhead);
        QVERIFY(a.first(FrameCipher::IvSize) != b.first(FrameCipher::IvSize));
        QVERIFY(cipher.open(a, &opened));
        QCOMPARE(opened, plaintext);
    }

    void mustReject_data()
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
    }

    void mustReject()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, frame);
        FrameCipher cipher(keyFor(key));
        QByteArray opened = "untouched";
        QVERIFY(!cipher.open(frame, &opened));
        QVERIFY(opened.isEmpty());
        QVERIFY(!cipher.errorString().isEmpty());
        // The same object keeps working after a rejected frame.
        QByteArray again;
        QVERIFY(cipher.open(cipher.seal("{}"), &again));
        QCOMPARE(again, QByteArray("{}"));
    }

    void invalidKeys()
    {
        FrameCipher cipher;
        QVERIFY(!cipher.isValid());
        QVERIFY(cipher.seal("x").isEmpty());
        QVERIFY(!cipher.errorString().isEmpty());
        QVERIFY(!cipher.setKey(QByteArray(31, 'k')));
        QVERIFY(!cipher.isValid());
        QVERIFY(cipher.setKey(QByteArray(32, 'k')));
        QVERIFY(cipher.isValid());
        QVERIFY(FrameCipherPrivate::sealWithIv(cipher, "x", QByteArray(11, 'i')).isEmpty());
        cipher.clear();
        QVERIFY(!cipher.isValid());
        QVERIFY(FrameCipherPrivate::key(cipher).isEmpty());
    }

    // The output may be the array the input is in.
    void inPlace()
    {
        FrameCipher cipher(QByteArray(32, 'k'));
        const QByteArray text = "{\"request\":\"echo\"}";
        QByteArray buffer = cipher.seal(text);
        QVERIFY(cipher.open(buffer, &buffer));
        QCOMPARE(buffer, text);
    }

    // IVs are drawn in batches; a forked child must not draw from the parent's copy of
    // the batch, or both would seal a frame with the same IV under the same key.
    void forkedChildUsesOwnIvs()
    {
        FrameCipher cipher(QByteArray(32, 'k'));
        QVERIFY(!cipher.seal("fill the batch").isEmpty());
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            const QByteArray frame = cipher.seal("child");
            const ssize_t written = ::write(fds[1], frame.constData(), FrameCipher::IvSize);
            ::_exit(written == FrameCipher::IvSize ? 0 : 1);
        }
        ::close(fds[1]);
        const QByteArray parentIv = cipher.seal("parent").left(FrameCipher::IvSize);
        QByteArray childIv(FrameCipher::IvSize, '\0');
        qsizetype got = 0;
        while (got < childIv.size()) {
            const ssize_t n = ::read(fds[0], childIv.data() + got, size_t(childIv.size() - got));
            if (n <= 0)
                break;
            got += n;
        }
        ::close(fds[0]);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QCOMPARE(got, FrameCipher::IvSize);
        QVERIFY(parentIv != childIv);
    }

    void constantTimeEquals()
    {
        QVERIFY(FrameCipher::constantTimeEquals("secret", "secret"));
        QVERIFY(!FrameCipher::constantTimeEquals("secret", "secreT"));
        QVERIFY(!FrameCipher::constantTimeEquals("secret", "secret2"));
        QVERIFY(!FrameCipher::constantTimeEquals("", "x"));
        QVERIFY(FrameCipher::constantTimeEquals("", ""));
    }

    void randomBytes()
    {
        const QByteArray a = FrameCipher::randomBytes(32);
        const QByteArray b = FrameCipher::randomBytes(32);
        QCOMPARE(a.size(), 32);
        QVERIFY(a != b);
    }
};

QTEST_GUILESS_MAIN(tst_FrameCipher)
#include "tst_framecipher.moc"
