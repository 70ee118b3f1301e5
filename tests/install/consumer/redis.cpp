// SPDX-License-Identifier: MIT
// A user of the installed Redis backplane: makes one, prints its URL (password hidden)
// and that it has not started. Needs no Redis.
#include <Stonyx/Sockets/RedisBackplane>
#include <Stonyx/Sockets/SocketServer>

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Stonyx::Sockets::RedisBackplane backplane(QStringLiteral("redis://:secret@127.0.0.1:6379/1"));
    Stonyx::Sockets::SocketServer server;
    server.setBackplane(&backplane);
    std::printf("%s %s\n", qPrintable(backplane.url()),
                server.backplaneStatus() == Stonyx::Sockets::Backplane::Status::Stopped ? "stopped" : "?");
    return 0;
}
