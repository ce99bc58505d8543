// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kube {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

// One real change of the cache: what the informer's callbacks are told.
struct CacheChange {
    enum class Type { Added, Updated, Deleted };
    Type type = Type::Added;
    ObjectPtr previous; // Updated, Deleted: what the cache held
    ObjectPtr current;  // Added, Updated: what it holds now; Deleted: the object of the DELETED event,
                        // or the last known state when a relist found it gone
};

// An informer's local copy of a collection, keyed "namespace/name" (just "name" for cluster-scoped
// objects, as client-go's MetaNamespaceKeyFunc). It only reports real changes: an event or list item
// whose resourceVersion equals the cached one is a duplicate (a replay after a reconnect) and changes
// nothing. resourceVersion is opaque, so it is compared for equality only.
class InformerCache {
public:
    // "" for an object without metadata.name.
    static std::string keyOf(const nlohmann::json& object);
    static std::string resourceVersionOf(const nlohmann::json& object);

    // Applies an ADDED, MODIFIED or DELETED event. An ADDED for a known object is an update, a
    // MODIFIED for an unknown one an add, a DELETED for an unknown one nothing.
    std::optional<CacheChange> apply(const std::string& eventType, ObjectPtr object);

    // Makes the cache equal to a complete fresh list and returns the differences, deletions of
    // objects that vanished included, in key order.
    std::vector<CacheChange> replace(const std::vector<ObjectPtr>& items);

    ObjectPtr get(const std::string& key) const;
    std::vector<ObjectPtr> items() const; // in key order
    std::size_t size() const { return m_objects.size(); }

private:
    std::map<std::string, ObjectPtr> m_objects;
};

} // namespace kube
