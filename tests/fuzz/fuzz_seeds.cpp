// SPDX-License-Identifier: MIT
// Writes the seed corpora of the fuzz targets from the protocol vectors and a set of
// hand-made messages:  fuzz_seeds <vectors.json> <server corpus dir> <client corpus dir>

#include "fuzzsupport.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include <cstdio>

using namespace FuzzSupport;

namespace {

struct Frame {
    QByteArray bytes;
    bool plain = false; // a plaintext to seal, rather than a ready frame
};

QByteArray input(std::uint8_t mode, const QList<Frame> &frames, std::uint8_t extraFlags = 0)
{
    QByteArray in(1, char(mode));
    for (const Frame &frame : frames)
        appendRecord(&in, std::uint8_t((frame.plain ? Seal : 0) | extraFlags), frame.bytes);
    return in;
}

int written = 0;

bool write(const QString &dir, const QByteArray &content)
{
    // Named by content, so running again does not duplicate seeds.
    const QString name = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex());
    QFile file(QDir(dir).filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) {
        std::fprintf(stderr, "fuzz_seeds: cannot write %s\n", qPrintable(file.fileName()));
        return false;
    }
    ++written;
    return true;
}

Frame plain(const char *json)
{
    return {QByteArray(json), true};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: fuzz_seeds <vectors.json> <server corpus dir> <client corpus dir>\n");
        return 2;
    }
    QFile vectorsFile(QString::fromLocal8Bit(argv[1]));
    if (!vectorsFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "fuzz_seeds: cannot read %s\n", argv[1]);
        return 1;
    }
    const QJsonObject vectors = QJsonDocument::fromJson(vectorsFile.readAll()).object();
    const QString serverDir = QString::fromLocal8Bit(argv[2]);
    const QString clientDir = QString::fromLocal8Bit(argv[3]);
    if (!QDir().mkpath(serverDir) || !QDir().mkpath(clientDir))
        return 1;
    if (vectors.value(u"globalKeyFor").toString() != QLatin1String(AuthKey)
        || QByteArray::fromHex(vectors.value(u"sessionKey").toString().toLatin1()) != vectorSessionKey()) {
        std::fprintf(stderr, "fuzz_seeds: the vectors use other keys than the fuzz targets\n");
        return 1;
    }

    // Frames from the vectors: ready-made (raw) and as plaintexts to seal.
    QList<Frame> globalFrames, sessionFrames, rejectFrames, plaintexts;
    QList<Frame> requests, responses; // by direction, as plaintexts
    for (const QJsonValue &v : vectors.value(u"frames").toArray()) {
        const QJsonObject frame = v.toObject();
        const Frame raw{QByteArray::fromHex(frame.value(u"frame").toString().toLatin1()), false};
        (frame.value(u"key").toString() == u"global" ? globalFrames : sessionFrames).append(raw);
        const Frame text{frame.value(u"plaintext").toString().toUtf8(), true};
        plaintexts.append(text);
        (text.bytes.contains("\"response\"") ? responses : requests).append(text);
    }
    for (const QJsonValue &v : vectors.value(u"mustReject").toArray())
        rejectFrames.append({QByteArray::fromHex(v.toObject().value(u"frame").toString().toLatin1()), false});
    if (globalFrames.isEmpty() || sessionFrames.isEmpty() || rejectFrames.isEmpty()) {
        std::fprintf(stderr, "fuzz_seeds: %s holds no frames\n", argv[1]);
        return 1;
    }

    // Server side. Modes: bit 0 encryption, bit 1 authenticate first, bit 2 resolve late.
    const QList<Frame> serverMessages{
        plain(R"({"request":"auth","data":{"authKey":"AUTH_KEY","meta":{"room":"a"}}})"),
        plain(R"({"request":"auth","data":{"authKey":"wrong"}})"),
        plain(R"({"request":"auth","data":{"authKey":"AUTH_KEY","answer":0}})"),
        plain(R"({"request":"auth","data":{"close":true}})"),
        plain(R"({"request":"auth","data":{"defer":true}})"),
        plain(R"({"request":"auth"})"),
        plain(R"({"request":"echo","data":{"msg":"h\u00e9llo","n":[1,2.5,null,true,-1e308]}})"),
        plain(R"({"request":"echo"})"),
        plain(R"({"request":"heartBeat"})"),
        plain(R"({"request":"defer","data":{"twice":1}})"),
        plain(R"({"request":"defer","data":{"also":"now"}})"),
        plain(R"({"request":"resolve","data":"later"})"),
        plain(R"({"request":"resolve","data":{"sessionKey":"x"}})"),
        plain(R"({"request":"public","data":[1,2]})"),
        plain(R"({"request":"close","data":{"code":4000,"reason":"bye","after":1}})"),
        plain(R"({"request":"send","data":{"request":"x","response":1,"room":"a"}})"),
        plain(R"({"request":"meta","data":{"room":"b","n":2}})"),
        plain(R"({"request":"nothing"})"),
        plain(R"({"request":"closeInSlot"})"),
        plain(R"({"request":"unknown","data":{}})"),
        plain(R"({"request":42,"data":1})"),
        plain(R"({})"),
        plain(R"([{"request":"echo"}])"),
        plain(R"("request")"),
        plain(R"({"request":"echo","data":)"),
        {QByteArray("\xff\xfe{\"request\":\"echo\"}", 20), true},
    };
    const Frame auth = serverMessages.first();
    for (std::uint8_t mode = 0; mode < 8; ++mode) {
        const bool encryption = mode & 1;
        const bool authenticated = mode & 2;
        for (const Frame &message : serverMessages) {
            write(serverDir, input(mode, {message}));
            if (!authenticated)
                write(serverDir, input(mode, {auth, message}));
        }
        write(serverDir, input(mode, requests));
        write(serverDir, input(mode, {auth, serverMessages.at(9), serverMessages.at(11), serverMessages.at(11)}));
        write(serverDir, input(mode, {serverMessages.at(4), serverMessages.at(11), serverMessages.at(6)}));
        write(serverDir, input(mode, {auth, serverMessages.at(9)}));
        write(serverDir, input(mode, serverMessages));
        write(serverDir, input(mode, {auth, serverMessages.at(6)}, Text));
        if (encryption) {
            // Ready-made frames: the global ones decrypt before authentication, the
            // session ones after it; the rejects never.
            write(serverDir, input(mode, globalFrames + sessionFrames));
            for (const Frame &frame : sessionFrames + rejectFrames)
                write(serverDir, input(mode, {frame}));
            write(serverDir, input(mode, {auth, rejectFrames.first()}));
        }
    }

    // Client side. Modes: bit 0 encryption, bit 1 session key set, bit 2 Connected.
    const QList<Frame> clientMessages{
        plain(R"({"request":"auth","response":"success","sessionKey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})"),
        plain(R"({"request":"auth","response":"success"})"),
        plain(R"({"request":"auth","response":false})"),
        plain(R"({"request":"auth","response":0,"sessionKey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})"),
        plain(R"({"request":"auth","response":"success","sessionKey":"c2hvcnQ="})"),
        plain(R"({"request":"auth","response":"success","sessionKey":42})"),
        plain(R"({"request":"heartBeat","response":true})"),
        plain(R"({"request":"echo","response":{"msg":"hi"}})"),
        plain(R"({"request":"news","response":[1,2,3]})"),
        plain(R"({"request":"once","response":{"again":true}})"),
        plain(R"({"request":"close","response":null})"),
        plain(R"({"request":"send","response":"x"})"),
        plain(R"({"request":"unknown"})"),
        plain(R"({"response":1})"),
        plain(R"([1,2])"),
        plain(R"({"request":"echo","response":)"),
    };
    for (std::uint8_t mode = 0; mode < 8; ++mode) {
        const bool encryption = mode & 1;
        for (const Frame &message : clientMessages)
            write(clientDir, input(mode, {message}));
        write(clientDir, input(mode, responses));
        write(clientDir, input(mode, clientMessages));
        write(clientDir, input(mode, {clientMessages.at(9), clientMessages.at(9), clientMessages.at(7)}));
        write(clientDir, input(mode, {clientMessages.at(0), clientMessages.at(7)}, Text));
        if (encryption) {
            write(clientDir, input(mode, globalFrames + sessionFrames));
            for (const Frame &frame : sessionFrames + rejectFrames)
                write(clientDir, input(mode, {frame}));
        }
    }
    std::printf("fuzz_seeds: wrote %d seed inputs (%d plaintexts, %d frames from the vectors)\n", written,
                int(plaintexts.size()), int(globalFrames.size() + sessionFrames.size() + rejectFrames.size()));
    return 0;
}
