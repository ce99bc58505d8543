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

class ScrapeInterval;

// The connection to one kubeconfig context, seen from the GUI thread: the Kubernetes client and the
// Prometheus client, behind the API server's service proxy or, when the operator names one, at a URL
// of its own (a port-forward, an ingress: what a user who may not use the proxy in istio-system
// reaches). Every callback they run is delivered on this object's thread. Loaders borrow the
// session; they never own it.
class ClusterSession : public QObject {
    Q_OBJECT
public:
    // `prometheusUrl` empty: Prometheus through the API server's service proxy. Otherwise an http or
    // https URL that prometheusUrlProblem() accepts, queried directly (without the cluster's
    // credentials: they are not Prometheus').
    explicit ClusterSession(const kube::ClusterConnection& connection, const QString& prometheusUrl = {},
                            QObject* parent = nullptr);
    ~ClusterSession() override;

    kube::KubeClient& kube() const { return *m_kube; }
    kube::PrometheusClient& prometheus() const { return *m_prometheus; }
    // How often that Prometheus scrapes, learnt once for every loader of this session.
    ScrapeInterval& scrapeInterval() const { return *m_scrapeInterval; }
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
    // Where Prometheus is queried directly; empty when through the API server's service proxy.
    QString prometheusUrl() const { return m_prometheusUrl; }
    // Why `url` cannot name a Prometheus (empty when it can): an absolute http or https URL with a
    // host, and no user name or password, which would end up in the settings file.
    static QString prometheusUrlProblem(const QString& url);
    // The Prometheus client a session on `kube` with `prometheusUrl` queries (see the constructor),
    // its answers delivered through `deliver`; also what a probe of a context not connected asks.
    static std::unique_ptr<kube::PrometheusClient> prometheusClient(kube::KubeClient& kube, const QString& prometheusUrl,
                                                                    const std::function<void(std::function<void()>)>& deliver);

Q_SIGNALS:
    void identityChanged(const QString& identity);

private:
    QString m_identity;
    QString m_prometheusUrl;
    // Declared last so they are destroyed first: the I/O thread stops before this QObject goes away,
    // so nothing is posted to a dead receiver.
    std::unique_ptr<kube::KubeClient> m_kube;
    std::unique_ptr<kube::PrometheusClient> m_prometheus;
    std::unique_ptr<ScrapeInterval> m_scrapeInterval;
    std::unique_ptr<kube::AccessReviewCache> m_access;
};
