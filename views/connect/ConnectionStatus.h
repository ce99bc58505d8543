// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "models/session/AccessRestrictions.h"

#include <QWidget>

class QLabel;
class QToolButton;
struct Reachability;

// The status bar's account of the connection: context and namespace, who the API server says we are,
// whether it answers and how fast, whether Prometheus answers (with a link to set its URL when it does
// not: a user who may not use the API server's proxy can often reach it another way), a warning badge
// when the context skips TLS verification, and a "limited access" badge listing what is hidden and why.
class ConnectionStatus : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionStatus(QWidget* parent = nullptr);

    void setContext(const QString& context, const QString& namespaceName, bool insecureSkipTlsVerify);
    void setIdentity(const QString& identity);
    // Where the session queries Prometheus directly; empty: through the API server's service proxy.
    void setPrometheusUrl(const QString& url);
    void setReachability(const Reachability& result);
    void setRestrictions(const QList<AccessRestrictions::Restriction>& restrictions);
    // Not connected: everything blank.
    void clear();

    QLabel* contextLabel() const { return m_context; }
    QLabel* identityLabel() const { return m_identity; }
    QLabel* apiLabel() const { return m_api; }
    QLabel* prometheusLabel() const { return m_prometheus; }
    QLabel* insecureBadge() const { return m_insecure; }
    QToolButton* restrictionsBadge() const { return m_restrictions; }

Q_SIGNALS:
    // The Prometheus label's "Set URL…" link was followed.
    void prometheusUrlRequested();

private:
    QLabel* m_context;
    QLabel* m_identity;
    QLabel* m_api;
    QLabel* m_prometheus;
    QLabel* m_insecure;
    QToolButton* m_restrictions;
    QString m_prometheusUrl;
};
