// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class ClusterSession;
class ExperimentRegistry;

namespace kube {
class Informer;
struct ApiError;
} // namespace kube

// Feeds an ExperimentRegistry with the session's VirtualServices: every namespace while the user may
// list them cluster-wide (the banner lists, and the runner reaps, every experiment in the context),
// else, after a 403 for that list, the session's namespace only. What that leaves out, and why, is
// said where every restriction is (AccessRestrictions asks the same question of the API server).
// The registry is unsynced until the first complete list of what is watched is in.
class ExperimentWatcher : public QObject {
    Q_OBJECT
public:
    ExperimentWatcher(ClusterSession* session, ExperimentRegistry* registry, QObject* parent = nullptr);
    ~ExperimentWatcher() override;

    // The namespaces watched; empty while every namespace is.
    QStringList namespaces() const { return m_namespaces; }

Q_SIGNALS:
    void namespacesChanged(const QStringList& namespaces);

private:
    void watch(const QStringList& namespaces);
    void stopAll();
    void onFailed(const QString& ns, const kube::ApiError& error);

    QPointer<ClusterSession> m_session;
    QPointer<ExperimentRegistry> m_registry;
    std::vector<std::unique_ptr<kube::Informer>> m_informers;
    QStringList m_namespaces;
    int m_unsynced = 0;
};
