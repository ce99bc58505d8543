// SPDX-License-Identifier: Apache-2.0
#include "ConnectionStatus.h"

#include "models/session/Reachability.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>

namespace {
QString dot(const char* colour)
{
    return QStringLiteral("<span style=\"color:%1\">●</span> ").arg(QLatin1String(colour));
}
} // namespace

ConnectionStatus::ConnectionStatus(QWidget* parent)
    : QWidget(parent)
    , m_context(new QLabel(this))
    , m_identity(new QLabel(this))
    , m_api(new QLabel(this))
    , m_prometheus(new QLabel(this))
    , m_insecure(new QLabel(this))
    , m_restrictions(new QToolButton(this))
{
    m_insecure->setText(tr("⚠ TLS not verified"));
    m_insecure->setToolTip(tr("This context's kubeconfig sets insecure-skip-tls-verify: the API server's certificate is "
                              "not checked, so anyone on the network path could impersonate it."));
    m_insecure->setStyleSheet(QStringLiteral("QLabel { background: #b3261e; color: white; padding: 1px 6px; border-radius: 3px; }"));
    m_restrictions->setPopupMode(QToolButton::InstantPopup);
    m_restrictions->setAutoRaise(true);
    m_restrictions->setMenu(new QMenu(m_restrictions));
    connect(m_prometheus, &QLabel::linkActivated, this, &ConnectionStatus::prometheusUrlRequested);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : std::initializer_list<QWidget*>{m_restrictions, m_insecure, m_context, m_identity, m_api, m_prometheus})
        layout->addWidget(w);
    clear();
}

void ConnectionStatus::clear()
{
    m_context->setText(tr("not connected"));
    m_identity->clear();
    m_api->clear();
    m_prometheus->clear();
    m_prometheusUrl.clear();
    m_insecure->hide();
    m_restrictions->hide();
}

void ConnectionStatus::setContext(const QString& context, const QString& namespaceName, bool insecureSkipTlsVerify)
{
    m_context->setText(tr("%1 · %2").arg(context, namespaceName));
    m_context->setToolTip(tr("context %1, namespace %2").arg(context, namespaceName));
    m_identity->clear();
    m_api->setText(dot("#888888") + tr("API: checking…"));
    m_prometheus->setText(dot("#888888") + tr("Prometheus: checking…"));
    m_insecure->setVisible(insecureSkipTlsVerify);
    m_restrictions->hide();
}

void ConnectionStatus::setPrometheusUrl(const QString& url)
{
    m_prometheusUrl = url;
}

void ConnectionStatus::setIdentity(const QString& identity)
{
    m_identity->setText(tr("as %1").arg(identity));
    m_identity->setToolTip(tr("The user the API server reports (SelfSubjectReview)"));
}

void ConnectionStatus::setReachability(const Reachability& result)
{
    if (!result.identity.isEmpty())
        setIdentity(result.identity);
    if (result.reachable) {
        m_api->setText(dot("#2e7d32") + tr("API %1 ms").arg(result.latencyMs));
        m_api->setToolTip(tr("The API server (%1) answered in %2 ms").arg(result.serverVersion).arg(result.latencyMs));
    } else {
        m_api->setText(dot("#b3261e") + tr("API unreachable"));
        m_api->setToolTip(result.error);
    }
    const QString where = m_prometheusUrl.isEmpty() ? tr("through the API server's service proxy") : tr("at %1").arg(m_prometheusUrl);
    // Where it does not answer, the way to one that does (a port-forward, an ingress).
    const QString setUrl = QStringLiteral(" · <a href=\"prometheus-url\">%1</a>").arg(m_prometheusUrl.isEmpty() ? tr("Set URL…") : tr("Change URL…"));
    if (result.prometheusReachable) {
        m_prometheus->setText(dot("#2e7d32") + (m_prometheusUrl.isEmpty() ? tr("Prometheus") : tr("Prometheus (direct)")));
        m_prometheus->setToolTip(tr("Prometheus answers %1").arg(where));
    } else if (result.prometheusForbidden) {
        // Not a fault to alarm about: the limited-access badge says what it leaves out.
        m_prometheus->setText(dot("#888888") + tr("Prometheus not permitted") + setUrl);
        m_prometheus->setToolTip(tr("Asked %1: %2").arg(where, result.prometheusError));
    } else {
        m_prometheus->setText(dot("#b3261e") + tr("Prometheus unreachable") + setUrl);
        m_prometheus->setToolTip(tr("Asked %1: %2").arg(where, result.prometheusError));
    }
}

void ConnectionStatus::setRestrictions(const QList<AccessRestrictions::Restriction>& restrictions)
{
    QMenu* menu = m_restrictions->menu();
    menu->clear();
    QStringList lines;
    for (const AccessRestrictions::Restriction& r : restrictions) {
        menu->addAction(tr("Hidden: %1 — %2").arg(r.what, r.why))->setEnabled(false);
        lines.append(tr("%1: %2").arg(r.what, r.why));
    }
    m_restrictions->setText(tr("⚠ Limited access (%1)").arg(restrictions.size()));
    m_restrictions->setToolTip(lines.join(QLatin1Char('\n')));
    m_restrictions->setVisible(!restrictions.isEmpty());
}
