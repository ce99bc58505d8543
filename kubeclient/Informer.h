// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Backoff.h"
#include "InformerCache.h"
#include "KubeClient.h"

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace kube {

struct InformerOptions {
    std::string labelSelector;
    std::string fieldSelector;
    int pageSize = 500;
    // Each watch asks the server to end it after a random time in [min, 2 * min) (client-go's
    // reflector: 5 to 10 minutes), so that reconnects of many clients spread out.
    std::chrono::seconds minWatchTimeout{300};
    Backoff::Settings backoff;
    // Applied to every object before the cache keeps it, listed or watched, deletions included
    // (client-go's SharedIndexInformer.SetTransform): keep only what the handlers read, so that the
    // cache of thousands of pods does not hold their managedFields, specs and statuses. It must keep
    // metadata.name, .namespace and .resourceVersion, which the cache keys and compares on. Empty:
    // objects are kept whole.
    std::function<ObjectPtr(const ObjectPtr&)> transform;
};

// List-then-watch of one collection (client-go's reflector and informer in one), keeping a local
// cache and telling the callbacks about each real change exactly once.
//
// - List: resourceVersion=0 (the server's cache) in pages of pageSize; a continue token that
//   expired (410) falls back to one unpaginated list, as client-go's pager does. A relist asks for
//   a state not older than the last one seen (so the cache never steps back), or after a 410 for
//   the latest state (no resourceVersion), as client-go's reflector does.
// - Watch from the list's resourceVersion with bookmarks and a random timeoutSeconds, resumed from the
//   last resourceVersion seen (events and bookmarks) whenever it ends.
// - 410 Gone, an ERROR event, or any other failure of a list: list again after the backoff, and
//   report only what differs from the cache (deletions that happened meanwhile included).
//   A broken connection, 429 or 5xx of a watch: watch again from the last resourceVersion after the
//   backoff (at least Retry-After on a 429).
//
// Single-threaded: construct, start, stop and destroy it on the thread the client's executor runs
// tasks on; the callbacks run there. Do not destroy it from inside one of its callbacks.
class Informer {
public:
    struct Handlers {
        std::function<void(const ObjectPtr&)> added;
        std::function<void(const ObjectPtr& previous, const ObjectPtr& current)> updated;
        std::function<void(const ObjectPtr& lastKnown)> deleted;
        // After the first complete list has been applied to the cache; once.
        std::function<void()> synced;
        // After every complete list has been applied (the first one before synced): a list that
        // succeeds after failures says the collection is readable again, even when nothing changed.
        std::function<void()> listed;
        // Each failed list or watch, before the retry (for a status line); the informer recovers by itself.
        std::function<void(const ApiError&)> failed;
    };

    Informer(KubeClient& client, std::string collectionPath, Handlers handlers, InformerOptions options = {});
    ~Informer();
    Informer(const Informer&) = delete;
    Informer& operator=(const Informer&) = delete;

    void start();
    // Cancels what is in flight; no callback runs after it returns. start() again resumes with a list.
    void stop();
    // For an informer whose client was destroyed first (which cancelled everything it had in
    // flight): stops it without touching the client, so that it can then be destroyed.
    void abandon();

    bool hasSynced() const { return m_synced; }
    const InformerCache& cache() const { return m_cache; }
    // The resourceVersion the next watch would resume from.
    const std::string& lastResourceVersion() const { return m_lastResourceVersion; }
    // The lists started so far, relists included (client-go's reflector counted them as
    // lists_total): how a caller tells a change that came by watch from one that needed a list.
    int listCount() const { return m_lists; }

private:
    enum class ListFrom { ServerCache, Latest };

    void list(ListFrom from);
    void requestPage(const std::string& continueToken, bool paginated);
    void onPage(ListResult result);
    void watch();
    void onWatchEvent(const WatchEvent& event);
    void onWatchEnd(const ApiError& error);
    ObjectPtr transformed(ObjectPtr object) const;
    // Emits the changes; false when a callback stopped the informer.
    bool emit(const std::vector<CacheChange>& changes);
    enum class Then { Relist, Rewatch };
    void retryLater(const ApiError& error, Then then);
    std::string withQuery(std::vector<std::string> parameters) const;

    KubeClient& m_client;
    const std::string m_path;
    Handlers m_handlers;
    const InformerOptions m_options;
    Backoff m_backoff;
    InformerCache m_cache;

    bool m_running = false;
    bool m_synced = false;
    RequestId m_inFlight = 0; // the list page, watch or backoff timer under way; 0 when none
    ListFrom m_listFrom = ListFrom::ServerCache;
    bool m_paginated = true;
    std::vector<ObjectPtr> m_listed; // pages gathered so far
    std::string m_lastResourceVersion;
    std::chrono::steady_clock::time_point m_watchStarted;
    int m_watchEvents = 0;
    int m_lists = 0;
    std::mt19937 m_random{std::random_device{}()};
};

} // namespace kube
