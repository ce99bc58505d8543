// SPDX-License-Identifier: Apache-2.0
#include "FaultInjection.h"

#include "ExperimentAnnotation.h"
#include "models/mesh/MeshTopology.h"

#include <nlohmann/json.hpp>

namespace {

// protobuf Duration JSON, as istiod reads fixedDelay: "2s", "0.250s".
std::string durationJson(int ms) {
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + 's';
    return QString::number(ms / 1000.0, 'f', 3).toStdString() + 's';
}

bool isInsertedRoute(const nlohmann::json& route) {
    return route.is_object() && route.value("name", std::string()).starts_with("meshdeck-fault-");
}

nlohmann::json* annotationsOf(nlohmann::json& object) {
    nlohmann::json& metadata = object["metadata"];
    if (!metadata.contains("annotations") || !metadata["annotations"].is_object())
        return nullptr;
    return &metadata["annotations"];
}

} // namespace

nlohmann::json FaultInjection::faultJson(const FaultSpec& fault) {
    const nlohmann::json percentage = {{"value", fault.percentage}};
    if (fault.kind == FaultSpec::Kind::Delay)
        return {{"delay", {{"fixedDelay", durationJson(fault.delayMs)}, {"percentage", percentage}}}};
    nlohmann::json abort = {{"percentage", percentage}};
    if (!fault.grpcStatus.isEmpty())
        abort["grpcStatus"] = fault.grpcStatus.toStdString();
    else
        abort["httpStatus"] = fault.httpStatus;
    return {{"abort", abort}};
}

QString FaultInjection::insertedRouteName(const QString& experimentId) {
    return QStringLiteral("meshdeck-fault-") + experimentId;
}

QStringList FaultInjection::routeNames(const nlohmann::json& virtualService) {
    QStringList names;
    const auto spec = virtualService.find("spec");
    if (spec == virtualService.end() || !spec->is_object())
        return names;
    const auto http = spec->find("http");
    if (http == spec->end() || !http->is_array())
        return names;
    for (const nlohmann::json& route : *http) {
        const auto name = route.is_object() ? route.find("name") : route.end();
        if (route.is_object() && name != route.end() && name->is_string())
            names.append(QString::fromStdString(name->get<std::string>()));
    }
    return names;
}

bool FaultInjection::routesService(const nlohmann::json& virtualService, const QString& namespaceName,
                                   const QString& service) {
    const auto spec = virtualService.find("spec");
    if (spec == virtualService.end() || !spec->contains("hosts") || !(*spec)["hosts"].is_array())
        return false;
    MeshTopology scope;
    scope.namespaceName = namespaceName;
    for (const auto& host : (*spec)["hosts"]) {
        if (host.is_string() &&
            scope.hostNamesService(QString::fromStdString(host.get<std::string>()), service))
            return true;
    }
    return false;
}

QString FaultInjection::inject(nlohmann::json& virtualService, const Experiment& experiment) {
    nlohmann::json& spec = virtualService["spec"];
    if (!spec.contains("http") || !spec["http"].is_array() || spec["http"].empty())
        return QStringLiteral("VirtualService %1 has no http routes to put a fault on")
            .arg(experiment.virtualService);
    nlohmann::json& http = spec["http"];
    const nlohmann::json before = http;
    const nlohmann::json fault = faultJson(experiment.fault);
    auto alreadyFaulted = [&](const nlohmann::json& route) {
        return QStringLiteral("route %1 of VirtualService %2 already has a fault; stop that first")
            .arg(QString::fromStdString(route.value("name", std::string("(unnamed)"))),
                 experiment.virtualService);
    };

    switch (experiment.fault.scope) {
    case FaultSpec::Scope::AllTraffic:
        // Routes other experiments inserted are theirs: they come and go with those experiments.
        for (const auto& route : http) {
            if (!isInsertedRoute(route) && route.contains("fault"))
                return alreadyFaulted(route);
        }
        for (auto& route : http) {
            if (!isInsertedRoute(route))
                route["fault"] = fault;
        }
        break;
    case FaultSpec::Scope::Route: {
        const std::string name = experiment.fault.routeName.toStdString();
        auto route = std::find_if(http.begin(), http.end(), [&](const nlohmann::json& r) {
            return r.value("name", std::string()) == name;
        });
        if (route == http.end())
            return QStringLiteral("VirtualService %1 has no http route named %2")
                .arg(experiment.virtualService, experiment.fault.routeName);
        if (route->contains("fault"))
            return alreadyFaulted(*route);
        (*route)["fault"] = fault;
        break;
    }
    case FaultSpec::Scope::Header: {
        // The default route: the first one without match conditions, where non-matching requests go.
        auto fallback = std::find_if(http.begin(), http.end(), [](const nlohmann::json& r) {
            return r.is_object() && !r.contains("match") && r.contains("route");
        });
        if (fallback == http.end())
            return QStringLiteral("VirtualService %1 has no default route to copy the destinations from")
                .arg(experiment.virtualService);
        nlohmann::json inserted = {{"name", insertedRouteName(experiment.id).toStdString()},
                                   {"match",
                                    {{{"headers",
                                       {{experiment.fault.headerName.toStdString(),
                                         {{"exact", experiment.fault.headerValue.toStdString()}}}}}}}},
                                   {"route", (*fallback)["route"]},
                                   {"fault", fault}};
        http.insert(http.begin(), std::move(inserted));
        break;
    }
    }

    ExperimentAnnotation::Record record{experiment, before.dump(), http.dump()};
    virtualService["metadata"]["annotations"][ExperimentAnnotation::key(experiment.id)] =
        ExperimentAnnotation::encode(record);
    return {};
}

FaultInjection::Reversion FaultInjection::revert(nlohmann::json& virtualService,
                                                 const QString& experimentId) {
    Reversion reversion;
    nlohmann::json* annotations = annotationsOf(virtualService);
    const std::string key = ExperimentAnnotation::key(experimentId);
    if (!annotations || !annotations->contains(key) || !(*annotations)[key].is_string())
        return reversion;
    const QString ns = QString::fromStdString(virtualService["metadata"].value("namespace", std::string()));
    const QString name = QString::fromStdString(virtualService["metadata"].value("name", std::string()));
    const auto record = ExperimentAnnotation::decode((*annotations)[key].get<std::string>(), ns, name);
    reversion.found = true;
    annotations->erase(key);
    const bool othersRemain =
        std::any_of(annotations->items().begin(), annotations->items().end(),
                    [](const auto& item) { return item.key().starts_with(ExperimentAnnotation::KeyPrefix); });
    if (annotations->empty())
        virtualService["metadata"].erase("annotations");
    if (!record)
        return reversion; // an unreadable record: nothing to restore from, the annotation is gone

    nlohmann::json& spec = virtualService["spec"];
    if (spec.contains("http") && spec["http"] == nlohmann::json::parse(record->httpAfter)) {
        spec["http"] = nlohmann::json::parse(record->httpBefore);
        reversion.exact = true;
        return reversion;
    }
    // Someone (or another experiment) changed the routes since: take out only what this one added.
    if (spec.contains("http") && spec["http"].is_array()) {
        nlohmann::json& http = spec["http"];
        if (record->experiment.fault.scope == FaultSpec::Scope::Header) {
            const std::string inserted = insertedRouteName(experimentId).toStdString();
            for (auto route = http.begin(); route != http.end(); ++route) {
                if (route->is_object() && route->value("name", std::string()) == inserted) {
                    http.erase(route);
                    break;
                }
            }
        } else {
            const nlohmann::json fault = faultJson(record->experiment.fault);
            for (auto& route : http) {
                if (route.is_object() && route.contains("fault") && route["fault"] == fault)
                    route.erase("fault");
            }
        }
    }
    reversion.exact =
        !othersRemain && spec.value("http", nlohmann::json()) == nlohmann::json::parse(record->httpBefore);
    if (!othersRemain && !reversion.exact)
        reversion.note =
            QStringLiteral("the routes were edited during the experiment, so only its fault was removed");
    return reversion;
}
