// SPDX-License-Identifier: Apache-2.0
#include "RoutingObjects.h"

#include <nlohmann/json.hpp>

#include <QMap>

#include <algorithm>
#include <cmath>

namespace {

using nlohmann::json;

json metadata(const MeshTopology& topology, const QString& service)
{
    return {{"name", service.toStdString()},
            {"namespace", topology.namespaceName.toStdString()},
            {"labels", {{RoutingObjects::ManagedByLabel, RoutingObjects::ManagedByValue}}}};
}

// Weights proportional to `counts` that sum to 100, by largest remainder; even when all are 0.
QMap<QString, int> percentages(const QMap<QString, int>& counts)
{
    int total = 0;
    for (int c : counts)
        total += c;
    QMap<QString, int> result;
    std::vector<std::pair<double, QString>> remainders;
    int given = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const double exact = total > 0 ? 100.0 * it.value() / total : 100.0 / double(counts.size());
        result.insert(it.key(), int(std::floor(exact)));
        given += int(std::floor(exact));
        remainders.emplace_back(exact - std::floor(exact), it.key());
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; given < 100 && i < remainders.size(); ++i, ++given)
        result[remainders[i].second] += 1;
    return result;
}

} // namespace

std::vector<json> RoutingObjects::missingFor(const MeshTopology& topology, const QString& service, QString* problem)
{
    std::vector<json> objects;
    if (!topology.service(service)) {
        *problem = QStringLiteral("service %1 is not in namespace %2").arg(service, topology.namespaceName);
        return objects;
    }
    // Subsets: the existing rule's, or one per version label of the service's workloads.
    QMap<QString, Labels> subsets;
    const MeshDestinationRule* rule = topology.destinationRuleFor(service);
    if (rule) {
        for (const MeshSubset& subset : rule->subsets)
            subsets.insert(subset.name, subset.labels);
    } else {
        for (const MeshWorkload& workload : topology.workloadsOf(service)) {
            if (!workload.version.isEmpty())
                subsets.insert(workload.version, Labels{{QStringLiteral("version"), workload.version}});
        }
    }
    if (subsets.isEmpty()) {
        *problem = rule ? QStringLiteral("DestinationRule %1 defines no subsets").arg(rule->name)
                        : QStringLiteral("no pod of %1 has a version label to make subsets from").arg(service);
        return objects;
    }
    if (!rule) {
        json dr = {{"apiVersion", "networking.istio.io/v1"},
                   {"kind", "DestinationRule"},
                   {"metadata", metadata(topology, service)},
                   {"spec", {{"host", service.toStdString()}, {"subsets", json::array()}}}};
        for (auto it = subsets.cbegin(); it != subsets.cend(); ++it) {
            json labels = json::object();
            for (auto label = it.value().cbegin(); label != it.value().cend(); ++label)
                labels[label.key().toStdString()] = label.value().toStdString();
            dr["spec"]["subsets"].push_back({{"name", it.key().toStdString()}, {"labels", labels}});
        }
        objects.push_back(std::move(dr));
    }
    if (!topology.virtualServiceFor(service)) {
        QMap<QString, int> readyPods;
        for (auto it = subsets.cbegin(); it != subsets.cend(); ++it) {
            int ready = 0;
            for (const MeshWorkload& workload : topology.workloadsOf(service)) {
                if (labelsMatch(it.value(), workload.podLabels))
                    ready += workload.readyPods;
            }
            readyPods.insert(it.key(), ready);
        }
        json route = json::array();
        const QMap<QString, int> weights = percentages(readyPods);
        for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
            route.push_back({{"destination", {{"host", service.toStdString()}, {"subset", it.key().toStdString()}}},
                             {"weight", it.value()}});
        }
        objects.push_back({{"apiVersion", "networking.istio.io/v1"},
                           {"kind", "VirtualService"},
                           {"metadata", metadata(topology, service)},
                           {"spec", {{"hosts", {service.toStdString()}}, {"http", json::array({{{"route", route}}})}}}});
    }
    return objects;
}
