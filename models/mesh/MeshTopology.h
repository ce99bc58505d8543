// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <QHash>
#include <QList>
#include <QString>

#include <memory>

// Plain data: what a namespace holds that the mesh views need, as the cluster last reported it.
// The raw JSON of routing objects is kept, because every edit is made against the raw document.

using Labels = QHash<QString, QString>;
using RawObject = std::shared_ptr<const nlohmann::json>;

struct MeshService {
    QString name;
    Labels selector;
};

// A Deployment and its pods; `app` and `version` come from the pod template's labels as Istio reads them.
struct MeshWorkload {
    QString name;
    QString app;
    QString version;
    Labels podLabels;
    int desiredReplicas = 0;
    int readyPods = 0;
    // Pods running without Istio's proxy: their traffic bypasses routing rules and telemetry.
    int podsWithoutSidecar = 0;
};

struct MeshSubset {
    QString name;
    Labels labels;
};

struct MeshDestinationRule {
    QString name;
    QString host;
    QList<MeshSubset> subsets;
    RawObject raw;
};

struct MeshVirtualService {
    QString name;
    QString resourceVersion;
    QStringList hosts;
    RawObject raw;
};

// A Gateway API HTTPRoute attached to Services (GAMMA mesh routing): its rules send a Service's
// traffic to backend Services by weight.
struct MeshHttpRoute {
    QString name;
    QString resourceVersion;
    QStringList parentServices; // the Services whose traffic it routes
    RawObject raw;
};

struct MeshTopology {
    QString namespaceName;
    QList<MeshService> services;
    QList<MeshWorkload> workloads;
    QList<MeshVirtualService> virtualServices;
    QList<MeshDestinationRule> destinationRules;
    QList<MeshHttpRoute> httpRoutes;

    const MeshService* service(const QString& name) const;
    // The objects routing traffic for a service, matched by host the way Istio resolves short names.
    const MeshVirtualService* virtualServiceFor(const QString& service) const;
    const MeshDestinationRule* destinationRuleFor(const QString& service) const;
    const MeshHttpRoute* httpRouteFor(const QString& service) const;
    // Workloads whose pods the service's selector picks, in name order.
    QList<MeshWorkload> workloadsOf(const QString& service) const;
    // workloadsOf() for every service at once, by service name: one pass over an index of pod
    // labels, where asking per service would match every selector against every workload.
    QHash<QString, QList<const MeshWorkload*>> workloadsByService() const;
    // Istio accepts "reviews", "reviews.bookinfo", "reviews.bookinfo.svc.cluster.local", ...
    bool hostNamesService(const QString& host, const QString& service) const;
};

bool labelsMatch(const Labels& selector, const Labels& labels);
