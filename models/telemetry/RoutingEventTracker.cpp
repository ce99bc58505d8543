// SPDX-License-Identifier: Apache-2.0
#include "RoutingEventTracker.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace {

constexpr qsizetype MaxEvents = 500; // markers of a long session stay bounded

QString text(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

double percentOf(const nlohmann::json& fault)
{
    const auto percentage = fault.find("percentage");
    return percentage != fault.end() && percentage->is_object() ? percentage->value("value", 0.0) : 0.0;
}

// "delay 2s for 50 %, abort 503 for 10 %"; empty for no fault, or one that affects no request.
QString describeFault(const nlohmann::json& route)
{
    const auto fault = route.find("fault");
    if (fault == route.end() || !fault->is_object())
        return {};
    QStringList parts;
    if (const auto delay = fault->find("delay"); delay != fault->end() && delay->is_object() && percentOf(*delay) > 0)
        parts.append(QStringLiteral("delay %1 for %2 %").arg(text(*delay, "fixedDelay")).arg(percentOf(*delay)));
    if (const auto abort = fault->find("abort"); abort != fault->end() && abort->is_object() && percentOf(*abort) > 0) {
        const QString status = abort->contains("httpStatus") ? QString::number(abort->value("httpStatus", 0))
                                                             : QStringLiteral("gRPC ") + QString::number(abort->value("grpcStatus", 0));
        parts.append(QStringLiteral("abort %1 for %2 %").arg(status).arg(percentOf(*abort)));
    }
    return parts.join(QStringLiteral(", "));
}

// "v1 80 %, v2 20 %" over every route's weighted destinations.
QString describeWeights(const nlohmann::json& http)
{
    QStringList parts;
    for (const auto& route : http) {
        const auto destinations = route.find("route");
        if (destinations == route.end() || !destinations->is_array())
            continue;
        for (const auto& d : *destinations) {
            const nlohmann::json destination = d.value("destination", nlohmann::json::object());
            const QString subset = text(destination, "subset");
            // A lone destination gets everything whatever its weight says.
            const int weight = destinations->size() == 1 ? 100 : d.value("weight", 0);
            parts.append(QStringLiteral("%1 %2 %").arg(subset.isEmpty() ? text(destination, "host") : subset).arg(weight));
        }
    }
    return parts.join(QStringLiteral(", "));
}

// The newest writer the API server recorded, when it records them.
QString lastManager(const nlohmann::json& object)
{
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->contains("managedFields") || !(*metadata)["managedFields"].is_array())
        return {};
    QString newestTime;
    QString manager;
    for (const auto& entry : (*metadata)["managedFields"]) {
        const QString time = text(entry, "time");
        if (time >= newestTime) {
            newestTime = time;
            manager = text(entry, "manager");
        }
    }
    return manager;
}

} // namespace

RoutingEventTracker::RoutingEventTracker(QObject* parent)
    : QObject(parent)
{
}

void RoutingEventTracker::observe(const MeshTopologies& topologies, const QDateTime& seenAt)
{
    qsizetype recorded = 0;
    const QStringList shown = topologies.namespaceNames();
    m_states.removeIf([&](const auto& entry) { return !shown.contains(entry.key()); });
    for (const MeshTopology& topology : topologies.namespaces)
        observeNamespace(topology, seenAt, recorded);
    if (m_events.size() > MaxEvents)
        m_events.remove(0, m_events.size() - MaxEvents);
    if (recorded > 0)
        Q_EMIT eventsChanged();
}

void RoutingEventTracker::observeNamespace(const MeshTopology& topology, const QDateTime& seenAt, qsizetype& recorded)
{
    QHash<QString, State>& states = m_states[topology.namespaceName];
    for (const MeshService& service : topology.services) {
        const MeshVirtualService* vs = topology.virtualServiceFor(service.name);
        State state;
        if (vs && vs->raw) {
            state.resourceVersion = vs->resourceVersion;
            const nlohmann::json http = vs->raw->value("spec", nlohmann::json::object()).value("http", nlohmann::json::array());
            if (http.is_array()) {
                for (const auto& route : http)
                    state.faults.append(describeFault(route));
                state.weights = describeWeights(http);
            }
        }
        const auto previous = states.constFind(service.name);
        if (previous != states.cend() && previous->resourceVersion != state.resourceVersion) {
            const QString manager = vs && vs->raw ? lastManager(*vs->raw) : QString();
            const QString who = manager.isEmpty() ? QString() : tr(" by %1").arg(manager);
            auto record = [&](const QString& what) {
                m_events.append({seenAt, topology.namespaceName, service.name, what + who, state.resourceVersion});
                ++recorded;
            };
            for (qsizetype i = 0; i < std::max(state.faults.size(), previous->faults.size()); ++i) {
                const QString was = previous->faults.value(i);
                const QString is = state.faults.value(i);
                if (was.isEmpty() && !is.isEmpty())
                    record(tr("fault started on %1: %2").arg(service.name, is));
                else if (!was.isEmpty() && is.isEmpty())
                    record(tr("fault stopped on %1 (was %2)").arg(service.name, was));
                else if (was != is)
                    record(tr("fault changed on %1: %2").arg(service.name, is));
            }
            if (previous->weights != state.weights && !state.weights.isEmpty())
                record(tr("traffic of %1: %2").arg(service.name, state.weights));
        }
        states.insert(service.name, state);
    }
}

QList<RoutingEvent> RoutingEventTracker::events(const QString& namespaceName, const QString& service) const
{
    QList<RoutingEvent> result;
    for (const RoutingEvent& e : m_events) {
        if (e.service == service && e.namespaceName == namespaceName)
            result.append(e);
    }
    return result;
}
