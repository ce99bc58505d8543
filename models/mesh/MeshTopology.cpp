// SPDX-License-Identifier: Apache-2.0
#include "MeshTopology.h"

#include <algorithm>

bool labelsMatch(const Labels& selector, const Labels& labels)
{
    if (selector.isEmpty())
        return false; // a Service without a selector selects nothing on its own
    for (auto it = selector.cbegin(); it != selector.cend(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

const MeshService* MeshTopology::service(const QString& name) const
{
    for (const auto& s : services) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

bool MeshTopology::hostNamesService(const QString& host, const QString& service) const
{
    if (host == service)
        return true;
    const QString qualified = service + u'.' + namespaceName;
    return host == qualified || host == qualified + u".svc" || host == qualified + u".svc.cluster.local";
}

const MeshVirtualService* MeshTopology::virtualServiceFor(const QString& service) const
{
    for (const auto& vs : virtualServices) {
        for (const auto& host : vs.hosts) {
            if (hostNamesService(host, service))
                return &vs;
        }
    }
    return nullptr;
}

const MeshDestinationRule* MeshTopology::destinationRuleFor(const QString& service) const
{
    for (const auto& dr : destinationRules) {
        if (hostNamesService(dr.host, service))
            return &dr;
    }
    return nullptr;
}

const MeshHttpRoute* MeshTopology::httpRouteFor(const QString& service) const
{
    for (const auto& route : httpRoutes) {
        if (route.parentServices.contains(service))
            return &route;
    }
    return nullptr;
}

QList<MeshWorkload> MeshTopology::workloadsOf(const QString& serviceName) const
{
    QList<MeshWorkload> result;
    const MeshService* s = service(serviceName);
    if (!s)
        return result;
    for (const auto& w : workloads) {
        if (labelsMatch(s->selector, w.podLabels))
            result.append(w);
    }
    std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return result;
}

QHash<QString, QList<const MeshWorkload*>> MeshTopology::workloadsByService() const
{
    // Workloads by one of their labels: a selector's first label narrows the candidates to the few
    // workloads carrying it, and only those are matched against the whole selector.
    QHash<std::pair<QString, QString>, QList<const MeshWorkload*>> byLabel;
    for (const MeshWorkload& workload : workloads) {
        for (auto it = workload.podLabels.cbegin(); it != workload.podLabels.cend(); ++it)
            byLabel[{it.key(), it.value()}].append(&workload);
    }
    QHash<QString, QList<const MeshWorkload*>> result;
    result.reserve(services.size());
    for (const MeshService& service : services) {
        QList<const MeshWorkload*>& selected = result[service.name];
        if (service.selector.isEmpty())
            continue;
        const auto first = service.selector.cbegin();
        for (const MeshWorkload* workload : byLabel.value({first.key(), first.value()})) {
            if (labelsMatch(service.selector, workload->podLabels))
                selected.append(workload);
        }
        std::sort(selected.begin(), selected.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    }
    return result;
}
