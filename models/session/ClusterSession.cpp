// SPDX-License-Identifier: Apache-2.0
#include "ClusterSession.h"

#include "models/telemetry/ScrapeInterval.h"

#include "kubeclient/AccessReviewCache.h"
#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QMetaObject>
#include <QUrl>

ClusterSession::ClusterSession(const kube::ClusterConnection& connection, const QString& prometheusUrl, QObject* parent)
    : QObject(parent)
    , m_prometheusUrl(prometheusUrl)
{
    auto deliver = [this](std::function<void()> task) { QMetaObject::invokeMethod(this, std::move(task), Qt::QueuedConnection); };
    // Live views poll about a dozen requests a second through the API server (lists, and the
    // Prometheus queries behind its service proxy); client-go's controller default of 5 QPS would
    // queue them without end. kubectl allows itself 50 QPS for discovery; so does MeshDeck.
    kube::ClientOptions options;
    options.qps = 50;
    options.burst = 100;
    m_kube = std::make_unique<kube::KubeClient>(connection, deliver, options);
    m_prometheus = prometheusClient(*m_kube, m_prometheusUrl, deliver);
    m_scrapeInterval = std::make_unique<ScrapeInterval>(*m_prometheus);
    m_access = std::make_unique<kube::AccessReviewCache>(*m_kube);
    kube::requestIdentity(*m_kube, [this](const kube::UserIdentity& identity) {
        if (!identity.error.ok() || identity.username.empty())
            return;
        m_identity = QString::fromStdString(identity.username);
        Q_EMIT identityChanged(m_identity);
    });
}

ClusterSession::~ClusterSession()
{
    m_access.reset();
    m_scrapeInterval.reset();
    m_prometheus.reset();
    m_kube.reset();
}

QString ClusterSession::contextName() const
{
    return QString::fromStdString(m_kube->connection().contextName);
}

QString ClusterSession::namespaceName() const
{
    return QString::fromStdString(m_kube->connection().namespaceName);
}

QString ClusterSession::server() const
{
    return QString::fromStdString(m_kube->connection().server);
}

QString ClusterSession::userName() const
{
    return QString::fromStdString(m_kube->connection().userName);
}

QString ClusterSession::identity() const
{
    return m_identity.isEmpty() ? userName() : m_identity;
}

void ClusterSession::checkAccess(const QString& verb, const QString& group, const QString& resource,
                                 const QString& namespaceName, AccessAnswer answer)
{
    // "services/proxy" names a subresource, as in `kubectl auth can-i get services/proxy`.
    const QString plural = resource.section(u'/', 0, 0);
    const QString subresource = resource.section(u'/', 1);
    m_access->check({verb.toStdString(), group.toStdString(), plural.toStdString(), namespaceName.toStdString(),
                     subresource.toStdString()},
                    [answer = std::move(answer)](const kube::AccessDecision& decision) {
                        answer(decision.error.ok(), decision.allowed, QString::fromStdString(decision.reason));
                    });
}

std::unique_ptr<kube::PrometheusClient> ClusterSession::prometheusClient(kube::KubeClient& kube, const QString& prometheusUrl,
                                                                         const std::function<void(std::function<void()>)>& deliver)
{
    if (prometheusUrl.isEmpty())
        return std::make_unique<kube::PrometheusClient>(kube);
    kube::PrometheusEndpoint endpoint;
    endpoint.url = QUrl(prometheusUrl).adjusted(QUrl::StripTrailingSlash).toString().toStdString();
    return std::make_unique<kube::PrometheusClient>(endpoint, deliver);
}

QString ClusterSession::prometheusUrlProblem(const QString& url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"http" && parsed.scheme() != u"https") || parsed.host().isEmpty())
        return tr("'%1' is not an http or https URL such as http://127.0.0.1:9090").arg(url);
    if (!parsed.userInfo().isEmpty())
        // Not repeated back: it would put the password on the screen or in a terminal's history view.
        return tr("the URL carries a user name or password: MeshDeck keeps no Prometheus credentials");
    if (parsed.hasQuery() || parsed.hasFragment())
        return tr("'%1' has a query or fragment: give Prometheus' base URL, such as http://127.0.0.1:9090").arg(url);
    return {};
}
