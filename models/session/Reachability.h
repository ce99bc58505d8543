// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

// What one round of ReachabilityProbe found out about a context: whether its API server answers and
// how fast, who it says we are, whether Prometheus answers behind it, and which namespaces we may pick.
struct Reachability {
    bool reachable = false; // the API server answered GET /version
    qint64 latencyMs = -1;  // of that answer
    QString serverVersion;  // its gitVersion
    QString error;          // why it is not reachable (transport, TLS, credentials)
    QString identity;       // SelfSubjectReview's user name; empty when the server cannot tell
    bool prometheusReachable = false;
    QString prometheusError;
    QStringList namespaces;
    // Listing namespaces is forbidden to this user: `namespaces` is the context's own only.
    bool namespacesFallback = false;
    // The API server refused the service proxy to this user (403): Prometheus may well be up.
    bool prometheusForbidden = false;
};
Q_DECLARE_METATYPE(Reachability)
