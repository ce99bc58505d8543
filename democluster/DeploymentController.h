// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "RandomNames.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

namespace democluster {

class ObjectStore;
class ResourceRegistry;
struct ResourceType;

// Makes Deployments real: each gets `replicas` Running, Ready pods named
// <deployment>-<template hash>-<suffix>, owned by the ReplicaSet a real controller would create,
// with Istio's sidecar when the namespace asks for injection, and startup lines in their logs. A
// changed pod template rolls the pods (RollingUpdate with maxSurge/maxUnavailable, one step per
// pass; Recreate replaces them at once); pods beyond the replica count, or whose Deployment is
// gone, are removed.
class DeploymentController {
public:
    DeploymentController(ObjectStore& store, const ResourceRegistry& registry);

    // One pass over every Deployment in every namespace; cheap when nothing changed.
    void reconcile();

    // The pod-template-hash of a pod template: 10 hex digits of a hash of its JSON.
    static std::string templateHash(const nlohmann::json& podTemplate);

private:
    std::string m_lastSeenVersion;
    // `pods`: the pods whose ReplicaSet belongs to this Deployment.
    void reconcileDeployment(const nlohmann::json& deployment, const std::vector<const nlohmann::json*>& pods,
                             bool injectSidecars);
    nlohmann::json newPod(const nlohmann::json& deployment, const std::string& hash, bool injectSidecar);
    void writeStartupLogs(const nlohmann::json& pod);
    // `desired` from the spec; `replicas` pods exist, `updated` of them from the current template.
    void updateStatus(const nlohmann::json& deployment, int desired, int replicas, int updated);
    // maxSurge / maxUnavailable: a count or a percentage of the replicas.
    static int scaledValue(const nlohmann::json& value, int replicas, bool roundUp);
    std::string replicaSetUid(const std::string& namespaceName, const std::string& replicaSetName);

    ObjectStore& m_store;
    const ResourceType& m_deployments;
    const ResourceType& m_pods;
    const ResourceType& m_namespaces;
    RandomNames m_names;
    std::map<std::string, std::string> m_replicaSetUids; // "namespace/name" -> uid
    unsigned m_nextPodAddress = 10;
};

} // namespace democluster
