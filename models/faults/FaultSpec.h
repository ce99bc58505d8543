// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>

// What an experiment does to a service's requests: Istio's HTTPFaultInjection (a fixed delay or an
// abort) on some share of them, and which of them it reaches (all, one named route, or only the
// requests carrying a header). Plain data; FaultInjection writes it into a VirtualService.
struct FaultSpec {
    enum class Kind { Delay, Abort };
    enum class Scope { AllTraffic, Route, Header };

    Kind kind = Kind::Delay;
    int delayMs = 0;
    int httpStatus = 0;      // 0 = none
    QString grpcStatus;      // "" = none, e.g. "UNAVAILABLE"
    double percentage = 100; // always written: a fault without it never fires
    Scope scope = Scope::AllTraffic;
    QString routeName;  // Scope::Route: the http route's name
    QString headerName; // Scope::Header: exact match
    QString headerValue;

    // "delay 2 s on 50 % of requests with end-user: jason"
    QString describe() const;
    bool operator==(const FaultSpec&) const = default;
};

Q_DECLARE_METATYPE(FaultSpec)
