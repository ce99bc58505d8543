// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/ClusterConnection.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace kube {
class AccessReviewCache;
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
    // "May I?" for this context, from SelfSubjectAccessReview, remembered per question. The answer
    // runs on this thread: `known` is false when the review itself failed (then `allowed` says nothing).
    // `resource` may name a subresource as kubectl does: "services/proxy".
    using AccessAnswer = std::function<void(bool known, bool allowed, const QString& reason)>;
    void checkAccess(const QString& verb, const QString& group, const QString& resource, const QString& namespaceName,
                     AccessAnswer answer);

    QString contextName() const;
    QString namespaceName() const;
    QString server() const;
    // The kubeconfig user this session authenticates as.
    QString userName() const;
    // Who the API server says the user is (SelfSubjectReview, asked once on connecting), which is what
    // audit entries record; the kubeconfig user name until that answer arrives or when the server
    // cannot tell (older servers, or the review is forbidden).
    QString identity() const;

Q_SIGNALS:
    void identityChanged(const QString& identity);

private:
    QString m_identity;
    // Declared last so they are destroyed first: the I/O thread stops before this QObject goes away,
    // so nothing is posted to a dead receiver.
    std::unique_ptr<kube::KubeClient> m_kube;
    std::unique_ptr<kube::PrometheusClient> m_prometheus;
    std::unique_ptr<kube::AccessReviewCache> m_access;
};
