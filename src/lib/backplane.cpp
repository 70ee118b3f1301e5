// SPDX-License-Identifier: MIT
#include "backplane.h"

namespace Stonyx::Sockets {

struct Backplane::Private {
    Status status = Status::Stopped;
    Error error = Error::NoError;
    QString errorString;
};

Backplane::Backplane(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
}

Backplane::~Backplane() = default;

QString Backplane::errorText(Error error)
{
    switch (error) {
    case Error::NoError:
        return tr("No error");
    case Error::ConfigurationError:
        return tr("The backplane's address or credentials are invalid");
    case Error::ConnectionError:
        return tr("The backplane cannot be reached");
    case Error::ProtocolError:
        return tr("The backplane refused a command");
    }
    return {};
}

Backplane::Status Backplane::status() const
{
    return d->status;
}

Backplane::Error Backplane::error() const
{
    return d->error;
}

QString Backplane::errorString() const
{
    return d->errorString;
}

void Backplane::setStatus(Status status)
{
    if (d->status == status)
        return;
    d->status = status;
    Q_EMIT statusChanged(status);
}

void Backplane::setError(Error error, const QString &message)
{
    d->error = error;
    d->errorString = message;
    Q_EMIT errorOccurred(error);
}

void Backplane::clearError()
{
    d->error = Error::NoError;
    d->errorString.clear();
}

} // namespace Stonyx::Sockets
