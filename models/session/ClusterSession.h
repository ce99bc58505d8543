// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/ClusterConnection.h"

#include <QObject>
#include <QString>

#include <memory>

namespace kube {
class KubeClient;
class PrometheusClient;
} // namespace kube

// The connection to one kubeconfig context, seen from the GUI thread: the Kubernetes client and the
// Prometheus client behind the API server's service proxy. Every callback they run is delivered on
// this object's thread. Loaders borrow the session; they never own it.
class ClusterSession : public QObject {
    Q_OBJECT
public:
    explicit ClusterSession(const kube::ClusterConnection& connection, QObject* parent = nullptr);
    ~ClusterSession() override;

    kube::KubeClient& kube() const { return *m_kube; }
    kube::PrometheusClient& prometheus() const { return *m_prometheus; }

    QString contextName() const;
    QString namespaceName() const;
    QString server() const;
    // The kubeconfig user this session authenticates as.
    QString userName() const;

private:
    // Declared last so they are destroyed first: the I/O thread stops before this QObject goes away,
    // so nothing is posted to a dead receiver.
    std::unique_ptr<kube::KubeClient> m_kube;
    std::unique_ptr<kube::PrometheusClient> m_prometheus;
};
