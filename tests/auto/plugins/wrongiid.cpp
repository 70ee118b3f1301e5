// SPDX-License-Identifier: MIT
// A valid Qt plugin for another interface.
#include <QObject>

class WrongIid : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.example.SomethingElse/1.0")
};
#include "wrongiid.moc"
