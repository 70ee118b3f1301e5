// SPDX-License-Identifier: MIT
#include "requestexception.h"

namespace Stonyx::Sockets {

struct RequestException::Data {
    Reason reason = Reason::Timeout;
    QString request;
    QString errorString;
    QByteArray what; // errorString in UTF-8, for what()
};

RequestException::RequestException(Reason reason, const QString &request, const QString &errorString)
    : d(std::make_shared<const Data>(Data{reason, request, errorString, errorString.toUtf8()}))
{
}

RequestException::RequestException(const RequestException &other) = default;
RequestException &RequestException::operator=(const RequestException &other) = default;
RequestException::~RequestException() = default;

RequestException::Reason RequestException::reason() const
{
    return d->reason;
}

QString RequestException::request() const
{
    return d->request;
}

QString RequestException::errorString() const
{
    return d->errorString;
}

void RequestException::raise() const
{
    throw *this;
}

RequestException *RequestException::clone() const
{
    return new RequestException(*this);
}

const char *RequestException::what() const noexcept
{
    return d->what.constData();
}

} // namespace Stonyx::Sockets
