// SPDX-License-Identifier: Apache-2.0
#include "VersionRateLoader.h"

#include "models/session/ClusterSession.h"

#include "kubeclient/KubeClient.h"
#include "kubeclient/PrometheusClient.h"

#include <QDateTime>

#include <cmath>

VersionRateLoader::VersionRateLoader(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
    connect(&m_timer, &QTimer::timeout, this, &VersionRateLoader::refresh);
}

VersionRateLoader::~VersionRateLoader()
{
    cancelPending();
}

QString VersionRateLoader::query(const QString& namespaceName, const QString& service)
{
    return QStringLiteral("sum by (destination_version) (rate(istio_requests_total{reporter=\"destination\", "
                          "destination_service_namespace=\"%1\", destination_service_name=\"%2\"}[10s]))")
        .arg(namespaceName, service);
}

void VersionRateLoader::setService(const QString& namespaceName, const QString& service)
{
    if (namespaceName == m_namespace && service == m_service)
        return;
    m_namespace = namespaceName;
    m_service = service;
    m_lastTime = 0;
    refresh();
}

void VersionRateLoader::setInterval(int milliseconds)
{
    if (milliseconds <= 0)
        m_timer.stop();
    else
        m_timer.start(milliseconds);
}

void VersionRateLoader::cancelPending()
{
    if (m_pending && m_session)
        m_session->kube().cancel(m_pending);
    m_pending = 0;
}

void VersionRateLoader::refresh()
{
    if (!m_session || m_service.isEmpty())
        return;
    if (m_pending && m_lastTime > 0)
        return; // the previous increment is still on its way; the next tick asks again
    cancelPending();

    // The newest second may not be scraped yet everywhere; ask up to the one before it.
    const double now = std::floor(QDateTime::currentMSecsSinceEpoch() / 1000.0) - 1;
    const bool backfill = m_lastTime <= 0;
    const double start = backfill ? now - m_windowSeconds : m_lastTime + m_stepSeconds;
    if (start > now)
        return;

    const QPointer<VersionRateLoader> self(this);
    const quint64 generation = ++m_generation;
    const QString service = m_service;
    m_pending = m_session->prometheus().queryRange(
        query(m_namespace, m_service).toStdString(), start, now, m_stepSeconds,
        [self, generation, service, backfill, now](kube::PromResult result) {
            if (!self || self->m_generation != generation)
                return; // the service changed, or a newer request replaced this one
            self->m_pending = 0;
            if (!result.error.ok()) {
                Q_EMIT self->loadFailed(QString::fromStdString(result.error.describe()));
                return;
            }
            VersionPoints points;
            points.service = service;
            for (const kube::PromSeries& series : result.series) {
                const auto it = series.labels.find("destination_version");
                const QString version = it == series.labels.end() ? QStringLiteral("unknown")
                                                                  : QString::fromStdString(it->second);
                QList<QPointF>& line = points.byVersion[version];
                line.reserve(qsizetype(series.samples.size()));
                for (const kube::PromSample& s : series.samples) {
                    if (std::isfinite(s.value))
                        line.append(QPointF(s.time * 1000.0, s.value));
                }
            }
            self->m_lastTime = now;
            Q_EMIT self->pointsAvailable(points, backfill);
        });
}
