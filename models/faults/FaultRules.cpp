// SPDX-License-Identifier: Apache-2.0
#include "FaultRules.h"

QStringList FaultRules::problems(const FaultSpec& fault) {
    // The checks of istiod's ValidateHTTPFaultInjection (pilot/pkg/model/validation), worded for
    // the operator; the HTTP status range is what istiod accepts (its message says 200-599).
    QStringList problems;
    if (!(fault.percentage == 0 || (fault.percentage >= 0.0001 && fault.percentage <= 100)))
        problems.append(QStringLiteral("the percentage must be 0 or between 0.0001 and 100 (it is %1)")
                            .arg(fault.percentage));
    if (fault.kind == FaultSpec::Kind::Delay) {
        if (fault.delayMs < 1)
            problems.append(QStringLiteral("a fixed delay must be at least 1 ms"));
    } else {
        const bool http = fault.httpStatus != 0;
        const bool grpc = !fault.grpcStatus.isEmpty();
        if (http == grpc)
            problems.append(QStringLiteral("an abort needs exactly one of an HTTP status and a gRPC status"));
        if (http && (fault.httpStatus < 200 || fault.httpStatus > 600))
            problems.append(QStringLiteral("an HTTP abort status must be between 200 and 600 (it is %1)")
                                .arg(fault.httpStatus));
    }
    switch (fault.scope) {
    case FaultSpec::Scope::AllTraffic:
        break;
    case FaultSpec::Scope::Route:
        if (fault.routeName.isEmpty())
            problems.append(QStringLiteral("a fault on one route needs the route's name"));
        break;
    case FaultSpec::Scope::Header:
        // Header names in a match must be lower case (istiod rejects upper case ones).
        if (fault.headerName.isEmpty() || fault.headerValue.isEmpty())
            problems.append(QStringLiteral("a fault for matching requests needs a header name and value"));
        else if (fault.headerName != fault.headerName.toLower())
            problems.append(
                QStringLiteral("header names in a match must be lower case (%1)").arg(fault.headerName));
        break;
    }
    return problems;
}
