// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/mesh/MeshTopologyParser.h"

#include <nlohmann/json.hpp>

// LIST answers ({"items": [...]}) of one namespace, as a test writes them by hand.
struct TopologyLists {
    RawObject services;
    RawObject deployments;
    RawObject pods;
    RawObject virtualServices;
    RawObject destinationRules;
    RawObject httpRoutes;
};

// The topology MeshTopologyParser makes of them, object by object as the informers hand them over.
inline MeshTopology topologyOf(const QString& namespaceName, const TopologyLists& lists)
{
    using nlohmann::json;
    auto items = [](const RawObject& list) {
        return list && list->contains("items") ? (*list)["items"] : json::array();
    };
    auto shared = [](const json& item) { return std::make_shared<const json>(item); };
    MeshTopologyParser parser(namespaceName);
    for (const json& item : items(lists.services))
        parser.addService(item);
    for (const json& item : items(lists.deployments))
        parser.addDeployment(item);
    for (const json& item : items(lists.pods))
        parser.addPod(item);
    for (const json& item : items(lists.virtualServices))
        parser.addVirtualService(shared(item));
    for (const json& item : items(lists.destinationRules))
        parser.addDestinationRule(shared(item));
    for (const json& item : items(lists.httpRoutes))
        parser.addHttpRoute(shared(item));
    return parser.finish();
}

// Bookinfo's objects as LIST answers, built by hand in the shape the API server returns, so model
// tests run without a cluster. `reviewsRoute` is the reviews VirtualService's `route` array; the
// same objects can be read as another namespace's (a copy of the sample applied there).
inline MeshTopology bookinfoTopology(const nlohmann::json& reviewsRoute, const QString& namespaceName = QStringLiteral("bookinfo"))
{
    using nlohmann::json;
    auto list = [](json items) { return std::make_shared<const json>(json{{"items", std::move(items)}}); };
    auto service = [](const char* name) {
        return json{{"metadata", {{"name", name}}}, {"spec", {{"selector", {{"app", name}}}}}};
    };
    auto deployment = [](const std::string& app, const std::string& version) {
        const json labels{{"app", app}, {"version", version}};
        return json{{"metadata", {{"name", app + "-" + version}}},
                    {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", labels}}},
                              {"template", {{"metadata", {{"labels", labels}}}}}}}};
    };
    auto pod = [](const std::string& app, const std::string& version) {
        return json{{"metadata", {{"name", app + "-" + version + "-abc"}, {"labels", {{"app", app}, {"version", version}}}}},
                    {"spec", {{"containers", json::array({{{"name", app}}, {{"name", "istio-proxy"}}})}}},
                    {"status", {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
    };
    auto subsets = [](std::initializer_list<const char*> names) {
        json result = json::array();
        for (const char* n : names)
            result.push_back({{"name", n}, {"labels", {{"version", n}}}});
        return result;
    };

    TopologyLists lists;
    lists.services = list({service("productpage"), service("details"), service("reviews"), service("ratings")});
    lists.deployments = list({deployment("productpage", "v1"), deployment("details", "v1"), deployment("reviews", "v1"),
                              deployment("reviews", "v2"), deployment("reviews", "v3"), deployment("ratings", "v1")});
    lists.pods = list({pod("productpage", "v1"), pod("details", "v1"), pod("reviews", "v1"), pod("reviews", "v2"),
                       pod("reviews", "v3"), pod("ratings", "v1")});
    lists.virtualServices = list(json::array(
        {{{"metadata", {{"name", "reviews"}, {"resourceVersion", "41"}}},
          {"spec", {{"hosts", {"reviews"}}, {"http", json::array({{{"route", reviewsRoute}}})}}}}}));
    lists.destinationRules = list(json::array(
        {{{"metadata", {{"name", "reviews"}}}, {"spec", {{"host", "reviews"}, {"subsets", subsets({"v1", "v2", "v3"})}}}},
         {{"metadata", {{"name", "ratings"}}}, {"spec", {{"host", "ratings"}, {"subsets", subsets({"v1"})}}}}}));
    return topologyOf(namespaceName, lists);
}

inline nlohmann::json weightedRoute(std::initializer_list<std::pair<const char*, int>> weights)
{
    nlohmann::json route = nlohmann::json::array();
    for (const auto& [subset, weight] : weights)
        route.push_back({{"destination", {{"host", "reviews"}, {"subset", subset}}}, {"weight", weight}});
    return route;
}
