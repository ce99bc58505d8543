// SPDX-License-Identifier: Apache-2.0
#include "AccessRestrictions.h"

#include "ClusterSession.h"

#include <algorithm>
#include <memory>

namespace {
enum class Where { Cluster, SessionNamespace, PrometheusNamespace };
struct Question {
    const char* verb;
    const char* group;
    const char* resource; // "services/proxy": a subresource, as kubectl writes it
    Where where;
    const char* what;
};
} // namespace

AccessRestrictions::AccessRestrictions(ClusterSession* session, QObject* parent)
    : QObject(parent)
    , m_session(session)
{
}

void AccessRestrictions::check()
{
    if (!m_session)
        return;
    // The reads the mesh page needs, and the writes its traffic and fault panels make.
    static const Question questions[] = {
        {"list", "", "namespaces", Where::Cluster,
         QT_TR_NOOP("Other namespaces: not listed (type one in the namespace box to switch to it)")},
        {"list", "networking.istio.io", "virtualservices", Where::Cluster,
         QT_TR_NOOP("Fault experiments in other namespaces: not listed, nor reverted at expiry by this MeshDeck")},
        {"get", "", "services/proxy", Where::PrometheusNamespace,
         QT_TR_NOOP("Telemetry: request rates, errors and latency come from Prometheus behind the API server")},
        {"list", "", "pods", Where::SessionNamespace, QT_TR_NOOP("Pods: sidecar badges and ready versions")},
        {"list", "networking.istio.io", "virtualservices", Where::SessionNamespace,
         QT_TR_NOOP("VirtualServices: routing and splits")},
        {"list", "networking.istio.io", "destinationrules", Where::SessionNamespace,
         QT_TR_NOOP("DestinationRules: the subsets a split moves traffic between, and circuit breakers")},
        {"patch", "networking.istio.io", "virtualservices", Where::SessionNamespace,
         QT_TR_NOOP("Traffic changes and fault experiments (read-only)")},
    };
    m_restrictions.clear();
    m_checked = false;
    const int round = ++m_round; // answers to an earlier round are dropped
    const QString ns = m_session->namespaceName();
    const QString user = m_session->identity();
    // Prometheus at a URL of its own is not behind the API server: its service proxy is not needed.
    const bool direct = !m_session->prometheusUrl().isEmpty();
    const auto asked = [direct](const Question& q) { return !direct || q.where != Where::PrometheusNamespace; };
    auto outstanding = std::make_shared<int>(int(std::count_if(std::begin(questions), std::end(questions), asked)));
    const QPointer<AccessRestrictions> self(this);
    for (const Question& q : questions) {
        if (!asked(q))
            continue;
        const QString resource = QString::fromLatin1(q.resource);
        const QString verb = QString::fromLatin1(q.verb);
        const QString where = q.where == Where::Cluster       ? QString()
                              : q.where == Where::SessionNamespace ? ns
                                                                   : QString::fromLatin1(PrometheusNamespace);
        m_session->checkAccess(verb, QString::fromLatin1(q.group), resource, where,
                               [self, round, outstanding, q, verb, resource, where, user](bool known, bool allowed,
                                                                                          const QString&) {
                                   if (!self || self->m_round != round)
                                       return;
                                   if (known && !allowed) {
                                       const QString scope = where.isEmpty() ? tr("cluster-wide") : tr("in namespace %1").arg(where);
                                       self->m_restrictions.append(
                                           {tr(q.what), tr("%1 may not %2 %3 %4").arg(user, verb, resource, scope)});
                                   }
                                   if (--*outstanding == 0) {
                                       self->m_checked = true;
                                       Q_EMIT self->checked(self->m_restrictions);
                                   }
                               });
    }
}
