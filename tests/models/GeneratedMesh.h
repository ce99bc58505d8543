// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/graph/EdgeTelemetry.h"
#include "models/mesh/MeshTopology.h"

#include <nlohmann/json.hpp>

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <memory>

// A synthetic mesh of any size for model tests and benchmarks: `serviceCount` services in layers
// (about log2(n) of them), each calling 3 services one or two layers further, 2 or 3 versions per
// service (v1 takes most traffic), an ingress gateway calling the first layer, some edges with
// errors, and a VirtualService splitting traffic on every fifth service. Deterministic for a seed.
struct GeneratedMesh {
    MeshTopology topology;
    EdgeTelemetry telemetry;
    int callCount = 0; // service-to-service calls
};

inline GeneratedMesh generatedMesh(int serviceCount, double rateScale = 1.0, quint32 seed = 7)
{
    quint64 state = seed;
    auto next = [&state] { // a small LCG: the same mesh on every machine and run
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return quint32(state >> 33);
    };
    auto name = [](int i) { return QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0')); };
    auto versionsOf = [](int i) { return 2 + i % 2; };
    auto versionShare = [](int versions, int v) { return versions == 2 ? (v == 1 ? 0.8 : 0.2) : (v == 1 ? 0.7 : 0.15); };

    GeneratedMesh mesh;
    mesh.telemetry.arrived = true;
    MeshTopology& t = mesh.topology;
    t.namespaceName = QStringLiteral("mesh");
    const int layerCount = std::max(3, int(std::lround(std::log2(std::max(2, serviceCount)))));
    auto layerOf = [&](int i) { return int(qint64(i) * layerCount / serviceCount); };
    auto firstOfLayer = [&](int l) { return int((qint64(l) * serviceCount + layerCount - 1) / layerCount); };

    for (int i = 0; i < serviceCount; ++i) {
        const QString app = name(i);
        t.services.append({app, {{QStringLiteral("app"), app}}});
        for (int v = 1; v <= versionsOf(i); ++v) {
            const QString version = u'v' + QString::number(v);
            t.workloads.append({app + u'-' + version, app, version,
                                {{QStringLiteral("app"), app}, {QStringLiteral("version"), version}}, 1, 1});
        }
        if (i % 5 == 0) {
            const std::string host = app.toStdString();
            nlohmann::json vs{{"metadata", {{"name", host}, {"resourceVersion", "1"}}},
                              {"spec", {{"hosts", {host}}, {"http", nlohmann::json::array({{{"route", nlohmann::json::array({
                                  {{"destination", {{"host", host}, {"subset", "v1"}}}, {"weight", 80}},
                                  {{"destination", {{"host", host}, {"subset", "v2"}}}, {"weight", 20}}})}}})}}}};
            t.virtualServices.append({app, QStringLiteral("1"), {app}, std::make_shared<const nlohmann::json>(std::move(vs))});
            nlohmann::json dr{{"metadata", {{"name", host}}},
                              {"spec", {{"host", host}, {"subsets", {{{"name", "v1"}, {"labels", {{"version", "v1"}}}},
                                                                     {{"name", "v2"}, {"labels", {{"version", "v2"}}}}}}}}};
            t.destinationRules.append({app, app, {{QStringLiteral("v1"), {{QStringLiteral("version"), QStringLiteral("v1")}}},
                                                  {QStringLiteral("v2"), {{QStringLiteral("version"), QStringLiteral("v2")}}}},
                                       std::make_shared<const nlohmann::json>(std::move(dr))});
        }
    }

    // Traffic to every version of `callee` from one calling workload.
    auto addCall = [&](const QString& sourceWorkload, const QString& sourceNamespace, int callee, double rate) {
        const double errorRatio = next() % 100 < 3 ? (next() % 2 ? 0.15 : 0.02) : 0;
        const int versions = versionsOf(callee);
        for (int v = 1; v <= versions; ++v) {
            EdgeSample s;
            s.sourceWorkload = sourceWorkload;
            s.sourceNamespace = sourceNamespace;
            s.destinationNamespace = t.namespaceName;
            s.destinationService = name(callee);
            s.destinationVersion = u'v' + QString::number(v);
            s.destinationWorkload = name(callee) + u'-' + s.destinationVersion;
            s.requestsPerSecond = rate * versionShare(versions, v) * rateScale;
            s.errorsPerSecond = s.requestsPerSecond * errorRatio;
            s.p50Ms = 5 + next() % 20;
            s.p95Ms = s.p50Ms * 3;
            s.p99Ms = s.p50Ms * 6;
            mesh.telemetry.samples.append(s);
        }
    };
    for (int i = 0; i < firstOfLayer(1); ++i)
        addCall(QStringLiteral("istio-ingressgateway"), QStringLiteral("istio-system"), i, 10);
    for (int i = 0; i < serviceCount; ++i) {
        const int layer = layerOf(i);
        if (layer >= layerCount - 1)
            continue;
        QList<int> callees;
        while (callees.size() < 3) {
            const int target = std::min(layerCount - 1, layer + (next() % 10 < 7 ? 1 : 2));
            const int first = firstOfLayer(target);
            const int size = firstOfLayer(target + 1) - first;
            const int callee = first + int(next() % quint32(std::max(1, size)));
            if (!callees.contains(callee))
                callees.append(callee);
            if (size < 3)
                break;
        }
        const double rate = 0.5 + double(next() % 200) / 10;
        for (int callee : std::as_const(callees)) {
            ++mesh.callCount;
            const int versions = versionsOf(i);
            for (int v = 1; v <= versions; ++v)
                addCall(name(i) + QStringLiteral("-v") + QString::number(v), t.namespaceName, callee,
                        rate * versionShare(versions, v));
        }
    }
    return mesh;
}
