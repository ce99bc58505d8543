// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Experiment.h"

#include <QString>
#include <QStringList>
#include <nlohmann/json_fwd.hpp>

// Writes an experiment's fault into a VirtualService's raw JSON and takes it out again, touching
// nothing else: AllTraffic puts the fault on every http route of the object, Route on the named
// one, Header inserts a route first that matches the header, copies the default route's
// destinations and carries the fault (so only matching requests are hurt). The experiment is
// recorded in its annotation (ExperimentAnnotation) with spec.http before and after.
class FaultInjection {
public:
    // Istio's HTTPFaultInjection for the spec, percentage always written.
    static nlohmann::json faultJson(const FaultSpec& fault);
    // The name of the route a header-scoped experiment inserts.
    static QString insertedRouteName(const QString& experimentId);

    // Whether the VirtualService routes the service (one of its hosts names it).
    static bool routesService(const nlohmann::json& virtualService, const QString& namespaceName,
                              const QString& service);

    // The names of the object's named http routes, in order: what a Route-scoped fault can name.
    static QStringList routeNames(const nlohmann::json& virtualService);

    // Adds the fault and the annotation to `virtualService`. Returns why it cannot (no such route,
    // the route already carries a fault), or "" once done.
    static QString inject(nlohmann::json& virtualService, const Experiment& experiment);

    struct Reversion {
        bool found = false; // the object records the experiment
        bool exact = false; // spec.http is back to the recorded pre-fault form
        QString note;       // why it is not exact, for the operator
    };
    // Takes the experiment out of `virtualService`: spec.http back to its recorded pre-fault form
    // when nobody changed it since, else only the fault (or the inserted route) removed; the
    // annotation dropped either way.
    static Reversion revert(nlohmann::json& virtualService, const QString& experimentId);
};
