// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeclient/HttpTransport.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class ClusterSession;

// The namespaces an operator can pick for the graph: every namespace when the user may list them,
// else only the context's namespace (ordinary users often may not list namespaces; they add others
// by name). One list in flight at a time; a new one replaces it.
class NamespaceListLoader : public QObject {
    Q_OBJECT
public:
    explicit NamespaceListLoader(ClusterSession* session, QObject* parent = nullptr);
    ~NamespaceListLoader() override;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    // `listable`: false when listing was forbidden and `names` is the context's namespace alone.
    void namespacesAvailable(const QStringList& names, bool listable);
    void loadFailed(const QString& message);

private:
    void cancelPending();

    QPointer<ClusterSession> m_session;
    kube::RequestId m_pending = 0;
};
