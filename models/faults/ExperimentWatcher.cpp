// SPDX-License-Identifier: Apache-2.0
#include "ExperimentWatcher.h"

#include "ExperimentRegistry.h"
#include "kubeclient/ApiError.h"
#include "kubeclient/Informer.h"
#include "kubeclient/ResourceKind.h"
#include "models/session/ClusterSession.h"

#include <nlohmann/json.hpp>

#include <QMetaObject>

namespace {

QString metadataText(const nlohmann::json& object, const char* key) {
    const auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object())
        return {};
    return QString::fromStdString(metadata->value(key, std::string()));
}

} // namespace

ExperimentWatcher::ExperimentWatcher(ClusterSession* session, ExperimentRegistry* registry, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_registry(registry) {
    watch({});
}

ExperimentWatcher::~ExperimentWatcher() {
    stopAll();
}

void ExperimentWatcher::stopAll() {
    for (const auto& informer : m_informers)
        informer->stop();
    m_informers.clear();
}

void ExperimentWatcher::watch(const QStringList& namespaces) {
    stopAll();
    const bool changed = namespaces != m_namespaces;
    m_namespaces = namespaces;
    if (changed)
        Q_EMIT namespacesChanged(namespaces);
    if (!m_session || !m_registry)
        return;
    // Experiments read from what is no longer watched would never be updated again: drop them.
    if (!namespaces.isEmpty()) {
        for (const Experiment& e : m_registry->experiments()) {
            if (!namespaces.contains(e.namespaceName))
                m_registry->objectRemoved(e.namespaceName, e.virtualService);
        }
    }
    m_registry->setSynced(false);
    const QStringList scopes = namespaces.isEmpty() ? QStringList{QString()} : namespaces;
    m_unsynced = int(scopes.size());
    for (const QString& ns : scopes) {
        kube::Informer::Handlers handlers;
        handlers.added = [this](const kube::ObjectPtr& object) { m_registry->objectChanged(*object); };
        handlers.updated = [this](const kube::ObjectPtr&, const kube::ObjectPtr& current) {
            m_registry->objectChanged(*current);
        };
        handlers.deleted = [this](const kube::ObjectPtr& lastKnown) {
            m_registry->objectRemoved(metadataText(*lastKnown, "namespace"), metadataText(*lastKnown, "name"));
        };
        handlers.synced = [this] {
            if (--m_unsynced > 0)
                return;
            m_registry->setSynced(true);
        };
        handlers.failed = [this, ns](const kube::ApiError& error) { onFailed(ns, error); };
        m_informers.push_back(std::make_unique<kube::Informer>(
            m_session->kube(), kube::kinds::VirtualServices.collectionPath(ns.toStdString()), handlers));
    }
    for (const auto& informer : m_informers)
        informer->start();
}

void ExperimentWatcher::onFailed(const QString& ns, const kube::ApiError& error) {
    // Any other failure is passing and the informer retries by itself; so does a namespace's
    // informer on 403, in case a RoleBinding is added meanwhile.
    if (error.httpStatus != 403 || !ns.isEmpty() || !m_session)
        return;
    // Not from inside the informer's callback: watch() destroys it.
    QMetaObject::invokeMethod(this, [this] { watch({m_session->namespaceName()}); }, Qt::QueuedConnection);
}
