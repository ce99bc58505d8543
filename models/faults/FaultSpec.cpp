// SPDX-License-Identifier: Apache-2.0
#include "FaultSpec.h"

namespace {

// "2 s", "1.5 s", "250 ms": what an operator reads fastest.
QString durationText(int ms) {
    if (ms >= 1000 && ms % 100 == 0)
        return QString::number(ms / 1000.0) + QStringLiteral(" s");
    return QString::number(ms) + QStringLiteral(" ms");
}

} // namespace

QString FaultSpec::describe() const {
    QString what;
    if (kind == Kind::Delay)
        what = QStringLiteral("delay ") + durationText(delayMs);
    else if (!grpcStatus.isEmpty())
        what = QStringLiteral("abort with gRPC ") + grpcStatus;
    else
        what = QStringLiteral("abort with HTTP ") + QString::number(httpStatus);
    QString text = QStringLiteral("%1 on %2 % of requests").arg(what, QString::number(percentage));
    switch (scope) {
    case Scope::AllTraffic:
        break;
    case Scope::Route:
        text += QStringLiteral(" of route ") + routeName;
        break;
    case Scope::Header:
        text += QStringLiteral(" with %1: %2").arg(headerName, headerValue);
        break;
    }
    return text;
}
