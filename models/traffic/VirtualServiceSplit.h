// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopology.h"

#include <QList>
#include <QMap>
#include <QString>

#include <string>

struct SplitDestination {
    QString host;
    QString subset;
    int weight = 0;            // the effective weight (a lone destination gets everything)
    bool weightWritten = false; // whether the object spells the weight out
    int position = 0;           // index in the route's array
};

// The weighted split of one service as its VirtualService states it: the destinations of the
// default HTTP route (the first one without match conditions), whose weights are relative.
class VirtualServiceSplit {
public:
    static VirtualServiceSplit read(const nlohmann::json& virtualService, const MeshTopology& topology,
                                    const QString& service);

    bool isValid() const { return m_routeIndex >= 0; }
    int routeIndex() const { return m_routeIndex; }
    const QList<SplitDestination>& destinations() const { return m_destinations; }
    int totalWeight() const;
    int activeDestinationCount() const;
    int weightOf(const QString& subset) const;

    // Sets the weights by subset on this service's default route inside `virtualService` (subsets
    // not named get 0, new ones are appended to the route) and touches nothing else. Returns why it
    // cannot (the object no longer has such a route), or an empty string once done.
    static QString applyWeights(nlohmann::json& virtualService, const MeshTopology& scope, const QString& service,
                                const QMap<QString, int>& weights);

    // The same for a Gateway API HTTPRoute attached to the service: the destinations are the
    // backendRefs (backend Services, by name; a missing weight is 1) of its first rule without
    // matches. `subset` then holds the backend's name.
    static VirtualServiceSplit readHttpRoute(const nlohmann::json& httpRoute);
    static QString applyHttpRouteWeights(nlohmann::json& httpRoute, const QMap<QString, int>& weights);

private:
    int m_routeIndex = -1;
    QList<SplitDestination> m_destinations;
};
