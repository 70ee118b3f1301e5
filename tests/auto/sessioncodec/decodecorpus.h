// SPDX-License-Identifier: MIT
#pragma once

// Inputs of tst_sessioncodec::directDecode, kept out of the test's own file.

#include <QByteArray>
#include <QList>

namespace DecodeCorpus {

// Messages and near-messages: every shape the direct reader takes, and every way it
// must step aside for QJsonDocument.
inline QList<QByteArray> messages()
{
    return {
        "{\"request\":\"echo\",\"data\":\"hello\"}", "{\"data\":\"hello\",\"request\":\"echo\",\"id\":7}", "{}", "{ }", "[]", "7",
        "\"str\"", "{\"request\":\"echo\",\"data\":{\"a\":[1,2,{\"b\":\"]}\"}],\"c\":null}}", "{\"request\":\"a\",\"request\":\"b\"}",
        "{\"request\":\"a\",\"data\":1,\"data\":\"two\"}", "{\"request\":\"echo\",\"data\":-0}", "{\"request\":\"echo\",\"data\":0}",
        "{\"request\":\"echo\",\"data\":-12}", "{\"request\":\"echo\",\"data\":012}", "{\"request\":\"echo\",\"data\":1.5}",
        "{\"request\":\"echo\",\"data\":1e3}", "{\"request\":\"echo\",\"data\":123456789012345}",
        "{\"request\":\"echo\",\"data\":1234567890123456}", "{\"request\":\"echo\",\"data\":\"d\\u00e9j\\u00e0\"}",
        "{\"request\":\"echo\",\"data\":\"d\xc3\xa9j\xc3\xa0\"}", "{\"request\":\"echo\",\"data\":\"\xc3\"}",
        "{\"request\":\"echo\",\"data\":\"a\\\"b\"}", "{\"request\":\"echo\",\"data\":\"a\\\\\"}", "{\"request\":\"echo\",\"data\":\"a\\",
        "{\"request\":\"echo\",\"data\":tru}", "{\"request\":\"echo\",\"data\":true}", "{\"request\":\"echo\",\"data\":nulll}",
        "{\"request\":\"echo\",\"data\":[1,2}", "{\"request\":\"echo\",\"data\":[1,2]]}", "{\"request\":\"echo\",\"data\":{\"a\":1]}",
        "{\"request\":\"echo\"} ", "{\"request\":\"echo\"}x", "{\"request\":\"echo\",}", "{\"request\":\"echo\" , \"data\":1}",
        "{\"request\":7,\"data\":1}", "{\"\":1}", "{\"request\":\"a\tb\"}", "{\"request\":\"echo\",\"data\":[\"\\\"]\"]}",
        QByteArray(200, '[') + QByteArray(200, ']'),
        "{\"request\":\"echo\",\"data\":" + QByteArray(70, '[') + QByteArray(70, ']') + '}',
        "{\"request\":\"echo\",\"data\":" + QByteArray(1100, '[') + QByteArray(1100, ']') + '}',
        // Long runs, read 16 bytes at a time: what stops the run may be at any position.
        "{\"request\":\"echo\",\"data\":\"abcdefghij\xc3\xa9klmnopqrstuvwxyz\"}",
        "{\"request\":\"echo\",\"data\":\"abcdefghijkl\xc3(mnopqrstuvwxyz\"}",
        "{\"request\":\"echo\",\"data\":\"abcdefghijklm\x01nopqrstuvwxyz\"}",
        "{\"request\":\"echo\",\"data\":\"abcdefghijk\xef\xbb\xbflmnopqrstuvwxyz\"}",
        "{\"request\":\"echo\",\"data\":\"abcdefghijklmno\xf0\x9f\x98\x80pqrstuvwxyz0123456789\"}",
        "{\"request\":\"echo\",\"data\":\"abcdefghijklmnopqrstuvwxyz\\\"0123456789abcdefghijklmnopqrstuvwxyz\"}",
    };
}

// Tokens that random messages are made of.
inline QList<QByteArray> tokens()
{
    return {"{", "}", "[", "]", ":", ",", " ", "\"request\"", "\"data\"", "\"id\"", "\"echo\"",
            "\"a\\\"b\"", "\"\xc3\xa9\"", "\"\x01\"", "0", "-0", "01", "-7", "1.5", "1e3", "123456789012345",
            "1234567890123456", "true", "fals", "null", "{\"x\":[1,{\"y\":\"}\"}]}", "\"x\\\\\"", "\"", "\\"};
}

// {"request":"echo","data":VALUE,"id":ID}
inline QByteArray echoAround(const QByteArray &value, const QByteArray &id)
{
    return "{\"request\":\"echo\",\"data\":" + value + ",\"id\":" + id + '}';
}

// Pieces of strings: plain, escaped (known, unknown, \u with and without surrogates,
// cut short), UTF-8 of 2, 3 and 4 bytes, a BOM, a noncharacter, and invalid UTF-8
// (a lone lead or continuation byte, overlong, an encoded surrogate, beyond U+10FFFF).
inline const QList<QByteArray> &stringPieces()
{
    static const QList<QByteArray> pieces = {
        "a", "Zz", " ", "\\n", "\\\"", "\\\\", "\\/", "\\b\\f\\r\\t", "\\x", "\\u0041", "\\u00e9", "\\u20AC", "\\u0000", "\\ufeff", "\\uFFFE",
        "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\u12", "\\uZZZZ", "\\", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xef\xbb\xbf", "\xef\xbf\xbf", "\xc3", "\xa9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x7f", "\x1f",
        "0123456789abcdef", "abcdefghijk",
    };
    return pieces;
}

} // namespace DecodeCorpus
