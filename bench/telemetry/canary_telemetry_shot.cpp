// SPDX-License-Identifier: Apache-2.0
// Not a benchmark: the README's canary picture, built on demand like the benchmarks. It charts one
// service's telemetry with a baseline and a canary version compared, waits until the cluster's
// VirtualService has moved traffic (a marker on the charts) and the charts hold enough time after
// it, then saves the telemetry panel as a PNG. scripts/screenshot runs it under Xvfb against the
// demo cluster while kubectl shifts the traffic.
//   canary_telemetry_shot KUBECONFIG SERVICE BASELINE CANARY OUT.png [SECONDS_AFTER_SHIFT]

#include "views/telemetry/MetricChart.h"
#include "views/telemetry/TelemetryPanel.h"

#include "models/mesh/MeshTopologyLoader.h"
#include "models/session/ClusterSession.h"
#include "models/telemetry/RoutingEventTracker.h"
#include "models/telemetry/TelemetryLoader.h"
#include "models/telemetry/TelemetrySeriesModel.h"

#include "kubeclient/Kubeconfig.h"

#include <QApplication>
#include <QDateTime>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 6) {
        std::fprintf(stderr, "usage: canary_telemetry_shot KUBECONFIG SERVICE BASELINE CANARY OUT.png [SECONDS_AFTER_SHIFT]\n");
        return 2;
    }
    auto loaded = kube::Kubeconfig::load(args[1].toStdString());
    if (!std::holds_alternative<kube::Kubeconfig>(loaded)) {
        std::fprintf(stderr, "canary_telemetry_shot: cannot load %s\n", qPrintable(args[1]));
        return 1;
    }
    auto connection = std::get<kube::Kubeconfig>(loaded).connection();
    if (!std::holds_alternative<kube::ClusterConnection>(connection)) {
        std::fprintf(stderr, "canary_telemetry_shot: no usable context in %s\n", qPrintable(args[1]));
        return 1;
    }
    const QString service = args[2];
    const int secondsAfterShift = args.size() > 6 ? args[6].toInt() : 60;

    ClusterSession session(std::get<kube::ClusterConnection>(connection));
    MeshTopologyLoader topology(&session);
    RoutingEventTracker events;
    QObject::connect(&topology, &MeshTopologyLoader::topologyAvailable, &events,
                     [&events](const MeshTopology& t) { events.observe(t); });
    TelemetrySeriesModel model;
    TelemetryLoader loader(&session);
    TelemetryWindow window;
    window.rangeSeconds = 300;
    model.setWindowSeconds(window.rangeSeconds);
    QObject::connect(&loader, &TelemetryLoader::batchAvailable, &model, &TelemetrySeriesModel::addBatch);
    TelemetryPanel panel(&model, &loader, nullptr);
    panel.setRoutingEvents(&events);
    panel.setComparison(args[3], args[4]);
    panel.resize(1600, 420);
    panel.show();
    loader.setWindow(window);
    loader.setService(session.namespaceName(), service);
    loader.setInterval(1000);
    topology.setInterval(2000);
    topology.refresh();

    QTimer poll;
    int waited = 0;
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        ++waited;
        const QList<RoutingEvent> shifts = events.events(service);
        const bool settled = !shifts.isEmpty() && model.latestTime() > 0 &&
                             model.latestTime() - double(shifts.last().time.toMSecsSinceEpoch()) >= secondsAfterShift * 1000.0;
        if (settled) {
            poll.stop();
            const bool saved = panel.grab().save(args[5], "PNG");
            std::fprintf(saved ? stdout : stderr, "canary_telemetry_shot: %s %s\n", saved ? "wrote" : "could not write", qPrintable(args[5]));
            QCoreApplication::exit(saved ? 0 : 1);
        } else if (waited > 600) {
            std::fprintf(stderr, "canary_telemetry_shot: no traffic shift of %s seen in 10 minutes\n", qPrintable(service));
            QCoreApplication::exit(3);
        }
    });
    poll.start(1000);
    return app.exec();
}
