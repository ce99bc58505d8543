// SPDX-License-Identifier: Apache-2.0
#include "MeshGenerator.h"

#include "Scenario.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace democluster {

namespace {

constexpr int MaxServices = 20000;
constexpr int ServicePort = 8080;

constexpr std::array Nouns = {
    "catalog",   "cart",        "checkout",  "payments",  "inventory", "shipping", "pricing",  "search",
    "recommend", "accounts",    "auth",      "orders",    "reviews",   "ratings",  "notify",   "email",
    "billing",   "ledger",      "fraud",     "tax",       "currency",  "promo",    "loyalty",  "wishlist",
    "media",     "thumbnails",  "geo",       "warehouse", "fulfil",    "returns",  "support",  "tickets",
    "chat",      "analytics",   "audit",     "profile",   "prefs",     "sessions", "tokens",   "config",
    "flags",     "i18n",        "quotes",    "invoices",  "suppliers", "ads",      "stock",    "routing",
};

// splitmix64: the same numbers on every platform and standard library, unlike <random>'s
// distributions, so a mesh is the same wherever it is generated.
class Draw {
public:
    explicit Draw(std::uint64_t seed)
        : m_state(seed)
    {
    }
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    double between(double low, double high) { return low + (high - low) * static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

// 0.0123 rather than 0.012300000000000001, for readable manifests and ConfigMap examples.
double rounded(double value, int digits)
{
    const double scale = std::pow(10.0, digits - std::ceil(std::log10(std::abs(value) + 1e-300)));
    return std::round(value * scale) / scale;
}

nlohmann::json object(const char* apiVersion, const char* kind, const std::string& name, nlohmann::json labels)
{
    nlohmann::json metadata = {{"name", name}};
    if (!labels.empty())
        metadata["labels"] = std::move(labels);
    return {{"apiVersion", apiVersion}, {"kind", kind}, {"metadata", std::move(metadata)}};
}

nlohmann::json service(const std::string& name, const nlohmann::json& selector, const std::string& app)
{
    nlohmann::json result = object("v1", "Service", name, {{"app", app}, {"service", name}});
    const nlohmann::json port = {{"name", "http"}, {"port", ServicePort}, {"targetPort", ServicePort}, {"protocol", "TCP"}};
    result["spec"] = {{"selector", selector}, {"ports", nlohmann::json::array({port})}};
    return result;
}

nlohmann::json deployment(const std::string& app, const std::string& version)
{
    const nlohmann::json labels = {{"app", app}, {"version", version}};
    nlohmann::json result = object("apps/v1", "Deployment", app + '-' + version, labels);
    const nlohmann::json port = {{"containerPort", ServicePort}};
    const nlohmann::json container = {{"name", app},
                                      {"image", "registry.meshdeck.demo/" + app + ':' + version},
                                      {"ports", nlohmann::json::array({port})}};
    result["spec"] = {{"replicas", 1},
                      {"selector", {{"matchLabels", labels}}},
                      {"template",
                       {{"metadata", {{"labels", labels}}},
                        {"spec", {{"serviceAccountName", app}, {"containers", nlohmann::json::array({container})}}}}}};
    return result;
}

std::vector<int> weightsFor(int versions, Draw& draw)
{
    static const std::vector<std::vector<int>> two = {{90, 10}, {50, 50}, {100, 0}, {80, 20}};
    static const std::vector<std::vector<int>> three = {{80, 15, 5}, {70, 20, 10}, {100, 0, 0}, {34, 33, 33}};
    const auto& choices = versions == 2 ? two : three;
    std::vector<int> weights = choices[static_cast<std::size_t>(draw.below(static_cast<int>(choices.size())))];
    weights.resize(static_cast<std::size_t>(versions), 0); // more than three versions: the rest idle
    return weights;
}

std::string versionName(int index)
{
    return 'v' + std::to_string(index + 1);
}

} // namespace

MeshGenerator::MeshGenerator(Parameters parameters)
    : m_parameters(parameters)
{
}

void MeshGenerator::generate(Scenario& scenario) const
{
    const int count = m_parameters.services;
    if (count < 1 || count > MaxServices)
        throw std::runtime_error("a generated mesh needs 1 to " + std::to_string(MaxServices) + " services, not "
                                 + std::to_string(count));
    if (m_parameters.calleesPerService < 1 || m_parameters.maxVersions < 1 || m_parameters.maxVersions > 9)
        throw std::runtime_error("a generated mesh needs calleesPerService >= 1 and maxVersions from 1 to 9");
    Draw draw(m_parameters.seed * 0x100000001b3ULL + static_cast<std::uint64_t>(count));

    // Names: the entry, then nouns in a seeded order, numbered once they run out.
    std::vector<std::string> names = {"frontend"};
    std::vector<std::string> nouns(Nouns.begin(), Nouns.end());
    for (std::size_t i = nouns.size(); i > 1; --i)
        std::swap(nouns[i - 1], nouns[static_cast<std::size_t>(draw.below(static_cast<int>(i)))]);
    for (int i = 0; static_cast<int>(names.size()) < count; ++i) {
        const int round = i / static_cast<int>(nouns.size());
        const std::string& noun = nouns[static_cast<std::size_t>(i) % nouns.size()];
        names.push_back(round == 0 ? noun : noun + '-' + std::to_string(round + 1));
    }

    // Layers: 1, k, k^2 ... services, the last one taking what is left.
    std::vector<std::vector<int>> layers;
    for (int next = 0, width = 1; next < count; width *= std::max(2, m_parameters.calleesPerService)) {
        std::vector<int> layer;
        for (int i = 0; i < width && next < count; ++i)
            layer.push_back(next++);
        layers.push_back(std::move(layer));
    }

    scenario.entryService = names.front();
    scenario.calls.clear();
    scenario.profiles.clear();
    auto objects = std::make_shared<std::vector<nlohmann::json>>();

    // Calls: every service of a layer below has a caller; callers then get about k callees each.
    for (std::size_t layer = 0; layer + 1 < layers.size(); ++layer) {
        const auto& callers = layers[layer];
        const auto& callees = layers[layer + 1];
        std::vector<std::vector<int>> calleesOf(callers.size());
        for (std::size_t i = 0; i < callees.size(); ++i)
            calleesOf[i % callers.size()].push_back(callees[i]);
        for (auto& chosen : calleesOf) {
            const int wanted = std::min<int>(static_cast<int>(callees.size()),
                                             std::max(1, m_parameters.calleesPerService - 1 + draw.below(3)));
            while (static_cast<int>(chosen.size()) < wanted) {
                const int candidate = callees[static_cast<std::size_t>(draw.below(static_cast<int>(callees.size())))];
                if (std::find(chosen.begin(), chosen.end(), candidate) == chosen.end())
                    chosen.push_back(candidate);
            }
        }
        for (std::size_t i = 0; i < callers.size(); ++i) {
            for (int callee : calleesOf[i]) {
                Scenario::Call call;
                call.from = names[static_cast<std::size_t>(callers[i])];
                call.to = names[static_cast<std::size_t>(callee)];
                call.path = "/api/" + call.to;
                // About one call per request and layer, so a request's cost does not grow with N.
                call.share = rounded(1.0 / static_cast<double>(calleesOf[i].size()), 3);
                if (draw.below(3) == 0) {
                    call.timeoutMs = 1000.0 * (1 + draw.below(3));
                    call.attempts = 1 + draw.below(2);
                }
                call.failCaller = draw.below(2) == 0;
                scenario.calls.push_back(std::move(call));
            }
        }
    }

    for (int index = 0; index < count; ++index) {
        const std::string& name = names[static_cast<std::size_t>(index)];
        const int versions = index == 0 ? 1 : 1 + draw.below(m_parameters.maxVersions);
        objects->push_back(object("v1", "ServiceAccount", name, {{"app", name}}));
        objects->push_back(service(name, {{"app", name}}, name));

        Scenario::Profile base = scenario.defaults;
        base.service = name;
        base.latencyMs = {rounded(draw.between(2, 30), 2), rounded(draw.between(0.25, 0.5), 2)};
        base.errorRate = std::array{0.0, 0.001, 0.002, 0.005}[static_cast<std::size_t>(draw.below(4))];
        base.requestBytes = {rounded(draw.between(300, 1200), 2), 0.1};
        base.responseBytes = {rounded(draw.between(200, 8000), 2), 0.3};
        // Now and then the newest version is the bad release a canary should catch.
        const bool badNewest = versions > 1 && draw.below(6) == 0;
        for (int v = 0; v < versions; ++v) {
            Scenario::Profile profile = base;
            profile.version = versionName(v);
            if (v > 0)
                profile.latencyMs.median = rounded(base.latencyMs.median * draw.between(0.7, 1.4), 2);
            if (badNewest && v == versions - 1) {
                profile.latencyMs.median = rounded(profile.latencyMs.median * 3, 2);
                profile.errorRate = 0.05;
            }
            scenario.profiles.push_back(std::move(profile));
            objects->push_back(deployment(name, versionName(v)));
        }
        if (versions == 1)
            continue;

        const std::vector<int> weights = weightsFor(versions, draw);
        const int routing = draw.below(5);
        if (routing == 0) {
            // Gateway API in mesh mode: one Service per version, the HTTPRoute attached to the
            // Service callers address.
            nlohmann::json backends = nlohmann::json::array();
            for (int v = 0; v < versions; ++v) {
                const std::string backend = name + '-' + versionName(v);
                objects->push_back(service(backend, {{"app", name}, {"version", versionName(v)}}, name));
                backends.push_back({{"name", backend}, {"port", ServicePort}, {"weight", weights[static_cast<std::size_t>(v)]}});
            }
            nlohmann::json route = object("gateway.networking.k8s.io/v1", "HTTPRoute", name, {{"app", name}});
            const nlohmann::json parent = {{"group", ""}, {"kind", "Service"}, {"name", name}, {"port", ServicePort}};
            const nlohmann::json rule = {{"backendRefs", backends}};
            route["spec"] = {{"parentRefs", nlohmann::json::array({parent})}, {"rules", nlohmann::json::array({rule})}};
            objects->push_back(std::move(route));
        } else if (routing == 1) {
            continue; // no route: the Service spreads requests over every version's pods
        } else {
            nlohmann::json subsets = nlohmann::json::array();
            nlohmann::json destinations = nlohmann::json::array();
            for (int v = 0; v < versions; ++v) {
                subsets.push_back({{"name", versionName(v)}, {"labels", {{"version", versionName(v)}}}});
                destinations.push_back({{"destination", {{"host", name}, {"subset", versionName(v)}}},
                                        {"weight", weights[static_cast<std::size_t>(v)]}});
            }
            nlohmann::json rule = object("networking.istio.io/v1", "DestinationRule", name, {});
            rule["spec"] = {{"host", name}, {"subsets", subsets}};
            objects->push_back(std::move(rule));
            nlohmann::json http = nlohmann::json::array();
            // Some services send testers to their newest version, an A/B route the users exercise.
            if (routing == 2) {
                const nlohmann::json match = {{"headers", {{"end-user", {{"exact", "tester"}}}}}};
                const nlohmann::json newest = {{"destination", {{"host", name}, {"subset", versionName(versions - 1)}}}};
                http.push_back({{"match", nlohmann::json::array({match})}, {"route", nlohmann::json::array({newest})}});
            }
            http.push_back({{"route", destinations}});
            nlohmann::json virtualService = object("networking.istio.io/v1", "VirtualService", name, {});
            virtualService["spec"] = {{"hosts", {name}}, {"http", http}};
            objects->push_back(std::move(virtualService));
        }
    }
    scenario.objects = std::move(objects);
}

} // namespace democluster
