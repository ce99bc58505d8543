// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiStatus.h"
#include "EventHistory.h"
#include "PodLogs.h"
#include "StoreEvent.h"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace democluster {

class StateDirectory;
struct ResourceType;

// The cluster's state: raw JSON objects keyed by (resource, namespace, name), guarded by one mutex
// because the HTTP thread pool, the simulator and the controllers all touch it. It plays etcd plus
// the generic registry: it owns resourceVersion, uid, creationTimestamp and generation, and it
// refuses writes based on a stale resourceVersion. With persistTo() every write also lands on
// disk (--state-dir). The pods' logs live next to the objects (podLogs()): the kubelet's part of
// the cluster state, written by the controllers that run pods and read by the API.
class ObjectStore {
public:
    // Edits a copy of the stored object; returning a status aborts the write with that error.
    using Mutator = std::function<std::optional<ApiStatus>(nlohmann::json& object)>;

    // How many events are kept for watchers; older ones are dropped (a watch from before gets 410).
    static constexpr std::size_t EventHistoryLimit = 10000;

    // What a watcher learns: the writes after its version and the version it has now caught up to.
    struct Changes {
        std::vector<StoreEvent> events;
        std::uint64_t resourceVersion = 0;
    };

    explicit ObjectStore(std::size_t historyLimit = EventHistoryLimit);
    ~ObjectStore();
    ObjectStore(const ObjectStore&) = delete;
    ObjectStore& operator=(const ObjectStore&) = delete;

    // Keeps a metadata.uid the caller set (the API layer strips clients' and may assign one to
    // derive fields from it, as the Job selector); assigns one otherwise.
    std::optional<ApiStatus> create(const ResourceType& type, const nlohmann::json& object,
                                    nlohmann::json* stored = nullptr);
    std::optional<ApiStatus> get(const ResourceType& type, const std::string& namespaceName,
                                 const std::string& name, nlohmann::json& object) const;
    // Objects of one type sorted by namespace and name; an empty namespace means all namespaces.
    // Returns the store's resourceVersion at the time of the list.
    std::string list(const ResourceType& type, const std::string& namespaceName,
                     std::vector<nlohmann::json>& objects) const;
    // Read-modify-write under the lock. A write that changes nothing keeps the resourceVersion,
    // as kube-apiserver does for no-op updates.
    std::optional<ApiStatus> update(const ResourceType& type, const std::string& namespaceName,
                                    const std::string& name, const Mutator& mutate,
                                    nlohmann::json* stored = nullptr);
    std::optional<ApiStatus> remove(const ResourceType& type, const std::string& namespaceName,
                                    const std::string& name, nlohmann::json* removed = nullptr);

    std::string resourceVersion() const;

    // Loads what `directory` holds into the (empty) store and saves every later write there.
    // Versions continue after the highest one saved; watches from before the restart get 410.
    // Returns how many objects were loaded. Throws std::runtime_error for an unusable directory.
    std::size_t persistTo(const std::filesystem::path& directory);

    PodLogs& podLogs() { return m_podLogs; }
    const PodLogs& podLogs() const { return m_podLogs; }
    // The writes after `resourceVersion`, waiting up to `timeout` for the first one; nullopt when
    // the history no longer reaches back that far (the watcher must relist: 410 Expired).
    std::optional<Changes> changesSince(std::uint64_t resourceVersion,
                                        std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const;
    // The oldest resourceVersion a watch may start from, for the Expired message.
    std::uint64_t oldestResumableVersion() const;

private:
    using Key = std::tuple<std::string, std::string, std::string>; // group resource, namespace, name

    // Saves a write to the state directory, if any, before it is committed in memory.
    std::optional<ApiStatus> persistLocked(const std::string& groupResource, const nlohmann::json* object,
                                           const Key& removedKey, std::uint64_t resourceVersion);
    void recordLocked(StoreEvent::Type type, const std::string& groupResource,
                      std::shared_ptr<const nlohmann::json> object,
                      std::shared_ptr<const nlohmann::json> previous = nullptr);

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_written;
    std::map<Key, std::shared_ptr<const nlohmann::json>> m_objects;
    EventHistory m_events;
    std::uint64_t m_resourceVersion = 1;
    std::unique_ptr<StateDirectory> m_state;
    PodLogs m_podLogs;
};

} // namespace democluster
