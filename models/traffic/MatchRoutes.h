// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopology.h"

#include <nlohmann/json_fwd.hpp>

#include <QList>
#include <QString>

// One condition of an A/B route: requests carrying it go to one version.
struct MatchCondition {
    enum class Field { Header, Cookie, QueryParameter, UriPrefix };
    Field field = Field::Header;
    QString name; // the header, cookie or query parameter; unused for a URI prefix
    QString value;

    bool operator==(const MatchCondition&) const = default;
};

// An HTTP route of a VirtualService that matches requests, as the traffic panel lists it.
struct MatchRoute {
    int httpIndex = -1;  // its position in spec.http: routes are tried in order
    QString description; // its conditions in words, e.g. "header end-user = jason"
    QString destination; // where matching requests go, e.g. "v2", or "v1 50 %, v2 50 %"
};

// The A/B routes of a service's VirtualService: the HTTP routes with match conditions, tried in
// order before the default (weighted) route. Adding one inserts it just before the default route,
// so existing routes keep their precedence; a cookie is matched the way Istio's samples do it, with a
// regular expression on the `cookie` header.
class MatchRoutes {
public:
    static QList<MatchRoute> read(const nlohmann::json& virtualService, const MeshTopology& topology, const QString& service);
    // Why istiod (or common sense) would refuse the condition; empty when it is fine.
    static QString problemWith(const MatchCondition& condition);
    // The edits below change `virtualService` in place and return why they cannot, or "".
    static QString add(nlohmann::json& virtualService, const MeshTopology& topology, const QString& service,
                       const MatchCondition& condition, const QString& subset);
    // Removes the route at `httpIndex` if it still reads as `description` (another client may have
    // reordered the routes since the operator saw them).
    static QString remove(nlohmann::json& virtualService, int httpIndex, const QString& description);
    static QString describe(const nlohmann::json& httpRoute);
    static QString describe(const MatchCondition& condition);
    // What is legal but probably not meant: a match route no request can reach because an earlier
    // one has the same conditions, or a route whose fault makes Istio drop its retries and timeout.
    static QStringList warnings(const nlohmann::json& virtualService);
    // The `match` block Istio needs for the condition.
    static nlohmann::json matchFor(const MatchCondition& condition);
};
