// SPDX-License-Identifier: Apache-2.0
#include "VirtualServiceSplit.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QSet>

#include <algorithm>

using nlohmann::json;

VirtualServiceSplit VirtualServiceSplit::read(const json& virtualService, const MeshTopology& topology,
                                              const QString& service)
{
    VirtualServiceSplit split;
    const auto spec = virtualService.find("spec");
    if (spec == virtualService.end() || !spec->is_object())
        return split;
    const auto http = spec->find("http");
    if (http == spec->end() || !http->is_array())
        return split;

    for (std::size_t i = 0; i < http->size(); ++i) {
        const json& route = (*http)[i];
        if (!route.is_object() || route.contains("match"))
            continue;
        const auto destinations = route.find("route");
        if (destinations == route.end() || !destinations->is_array())
            continue;
        for (std::size_t position = 0; position < destinations->size(); ++position) {
            const json& entry = (*destinations)[position];
            if (!entry.is_object())
                continue;
            const json destination = entry.value("destination", json::object());
            SplitDestination d;
            d.position = int(position);
            d.host = QString::fromStdString(destination.value("host", ""));
            d.subset = QString::fromStdString(destination.value("subset", ""));
            const auto weight = entry.find("weight");
            d.weightWritten = weight != entry.end() && weight->is_number();
            d.weight = d.weightWritten ? weight->get<int>() : 0;
            if (!topology.hostNamesService(d.host, service))
                continue;
            split.m_destinations.append(d);
        }
        if (split.m_destinations.isEmpty())
            continue;
        // Istio sends everything to a lone destination whatever its weight says.
        if (destinations->size() == 1)
            split.m_destinations.first().weight = 100;
        split.m_routeIndex = int(i);
        break;
    }
    return split;
}

namespace {
// The rule whose backends carry the default split: the first without matches, else the first.
int defaultRule(const json& rules)
{
    if (!rules.is_array() || rules.empty())
        return -1;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].is_object() && rules[i].value("matches", json::array()).empty())
            return int(i);
    }
    return 0;
}
} // namespace

VirtualServiceSplit VirtualServiceSplit::readHttpRoute(const json& httpRoute)
{
    VirtualServiceSplit split;
    const json& rules = httpRoute.value("spec", json::object()).value("rules", json::array());
    const int rule = defaultRule(rules);
    if (rule < 0)
        return split;
    const json& backends = rules[std::size_t(rule)].value("backendRefs", json::array());
    for (std::size_t position = 0; position < backends.size(); ++position) {
        const json& backend = backends[position];
        if (!backend.is_object() || !backend.value("kind", std::string("Service")).starts_with("Service"))
            continue;
        SplitDestination d;
        d.position = int(position);
        d.host = d.subset = QString::fromStdString(backend.value("name", ""));
        const auto weight = backend.find("weight");
        d.weightWritten = weight != backend.end() && weight->is_number();
        d.weight = d.weightWritten ? weight->get<int>() : 1; // Gateway API's default
        split.m_destinations.append(d);
    }
    if (split.m_destinations.size() == 1)
        split.m_destinations.first().weight = 100;
    if (!split.m_destinations.isEmpty())
        split.m_routeIndex = rule;
    return split;
}

QString VirtualServiceSplit::applyHttpRouteWeights(json& httpRoute, const QMap<QString, int>& weights)
{
    const VirtualServiceSplit current = readHttpRoute(httpRoute);
    if (!current.isValid())
        return QStringLiteral("the HTTPRoute has no rule with backends any more");
    json& backends = httpRoute["spec"]["rules"][std::size_t(current.routeIndex())]["backendRefs"];
    QSet<QString> seen;
    for (json& backend : backends) {
        const QString name = QString::fromStdString(backend.value("name", ""));
        seen.insert(name);
        backend["weight"] = weights.value(name, 0);
    }
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        if (seen.contains(it.key()))
            continue;
        // A backend the rule did not name yet: on the same port as the others.
        json added = {{"name", it.key().toStdString()}, {"weight", it.value()}};
        if (!backends.empty() && backends[0].contains("port"))
            added["port"] = backends[0]["port"];
        backends.push_back(added);
    }
    return {};
}

int VirtualServiceSplit::totalWeight() const
{
    int total = 0;
    for (const auto& d : m_destinations)
        total += d.weight;
    return total;
}

int VirtualServiceSplit::activeDestinationCount() const
{
    return int(std::count_if(m_destinations.cbegin(), m_destinations.cend(),
                             [](const SplitDestination& d) { return d.weight > 0; }));
}

int VirtualServiceSplit::weightOf(const QString& subset) const
{
    for (const auto& d : m_destinations) {
        if (d.subset == subset)
            return d.weight;
    }
    return 0;
}

QString VirtualServiceSplit::applyWeights(json& virtualService, const MeshTopology& scope, const QString& service,
                                         const QMap<QString, int>& weights)
{
    const VirtualServiceSplit split = read(virtualService, scope, service);
    if (!split.isValid()) {
        return QObject::tr("VirtualService %1 no longer has a default route to %2")
            .arg(QString::fromStdString(virtualService["metadata"].value("name", "")), service);
    }
    json& route = virtualService["spec"]["http"][std::size_t(split.routeIndex())]["route"];
    QStringList present;
    for (const SplitDestination& d : split.destinations()) {
        present.append(d.subset);
        route[std::size_t(d.position)]["weight"] = weights.value(d.subset, 0);
    }
    const std::string host = split.destinations().first().host.toStdString();
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        if (present.contains(it.key()) || it.value() <= 0)
            continue;
        route.push_back({{"destination", {{"host", host}, {"subset", it.key().toStdString()}}}, {"weight", it.value()}});
    }
    return {};
}
