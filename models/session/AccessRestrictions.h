// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class ClusterSession;

// What an operator without full rights cannot see or do in the session's namespace, and why, asked
// of the API server (SelfSubjectAccessReview) rather than learnt from failures: so the window can
// say "hidden: … because …" up front instead of showing errors.
class AccessRestrictions : public QObject {
    Q_OBJECT
public:
    struct Restriction {
        QString what; // what MeshDeck leaves out
        QString why;  // the permission that is missing
    };

    // Where kube::PrometheusClient::DefaultProxyPath reaches Prometheus, as Istio's addon installs it.
    static constexpr const char* PrometheusNamespace = "istio-system";

    explicit AccessRestrictions(ClusterSession* session, QObject* parent = nullptr);

    // Asks every question; checked() follows once all are answered. Asking again abandons the
    // previous round.
    void check();
    bool isChecked() const { return m_checked; }
    const QList<Restriction>& restrictions() const { return m_restrictions; }

Q_SIGNALS:
    void checked(const QList<AccessRestrictions::Restriction>& restrictions);

private:
    QPointer<ClusterSession> m_session;
    QList<Restriction> m_restrictions;
    bool m_checked = false;
    int m_round = 0;
};
