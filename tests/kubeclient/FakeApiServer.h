// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small stand-in for kube-apiserver serving one namespaced collection (pods), enough to drive an
// informer through everything that goes wrong in real life: paged lists with continue tokens that
// expire, chunked watch streams, compacted history (410), ERROR events, bookmarks, 429, replays,
// and being stopped and restarted on the same port. Resource versions are a counter, as etcd's are;
// the client must treat them as opaque.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testserver {

class FakeApiServer {
public:
    struct Request {
        std::string path;
        std::map<std::string, std::string> params;
        std::chrono::steady_clock::time_point at;
        bool watch() const { return params.count("watch") > 0; }
        std::string param(const std::string& name) const
        {
            const auto it = params.find(name);
            return it == params.end() ? std::string() : it->second;
        }
    };

    // Knobs, set by the test between steps.
    struct Knobs {
        std::size_t chunkSize = 0;       // >0: each event written in pieces of this many bytes
        bool expireContinue = false;     // a list with a continue token gets 410
        bool goneAsErrorEvent = false;   // a too-old watch gets 200 + ERROR event instead of 410
        int tooManyWatches = 0;          // that many next watches get 429 with Retry-After: 1
        bool hold = false;               // open watches deliver nothing new (a lagging server)
        std::string replayFrom;          // next watch streams from here, whatever it asked for
    };

    ~FakeApiServer() { stop(); }

    bool start(int port = 0)
    {
        m_server = std::make_unique<httplib::Server>();
        m_server->Get("/api/v1/namespaces/([a-z0-9-]+)/pods",
                      [this](const httplib::Request& request, httplib::Response& response) { serve(request, response); });
        if (port == 0) {
            m_port = m_server->bind_to_any_port("127.0.0.1");
        } else if (!m_server->bind_to_port("127.0.0.1", port)) {
            m_server.reset();
            return false;
        }
        {
            std::lock_guard lock(m_mutex);
            m_stopping = false;
        }
        m_thread = std::thread([this] { m_server->listen_after_bind(); });
        while (!m_server->is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return true;
    }

    // Like a crashed API server: open watches break without their final chunk.
    void stop()
    {
        if (!m_server)
            return;
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        m_server->stop();
        m_thread.join();
        m_server.reset();
    }

    int port() const { return m_port; }

    void setKnobs(const std::function<void(Knobs&)>& change)
    {
        {
            std::lock_guard lock(m_mutex);
            change(m_knobs);
        }
        m_changed.notify_all();
    }

    // Creates or replaces a pod (spec.value set to value) and records the event.
    std::string put(const std::string& namespaceName, const std::string& name, int value = 0)
    {
        std::lock_guard lock(m_mutex);
        const std::string key = namespaceName + "/" + name;
        const bool exists = m_objects.count(key) > 0;
        nlohmann::json object = {{"apiVersion", "v1"},
                                 {"kind", "Pod"},
                                 {"metadata", {{"name", name}, {"namespace", namespaceName}, {"resourceVersion", std::to_string(++m_version)}}},
                                 {"spec", {{"value", value}}}};
        m_objects[key] = object;
        record(exists ? "MODIFIED" : "ADDED", object);
        return std::to_string(m_version);
    }

    void erase(const std::string& namespaceName, const std::string& name)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_objects.find(namespaceName + "/" + name);
        if (it == m_objects.end())
            return;
        nlohmann::json object = it->second;
        object["metadata"]["resourceVersion"] = std::to_string(++m_version);
        m_objects.erase(it);
        record("DELETED", object);
    }

    // Forgets the history up to now, as etcd compaction does: older watches get 410.
    void compact()
    {
        std::lock_guard lock(m_mutex);
        m_history.clear();
        m_compactedAt = m_version;
    }

    // Every open watch ends cleanly, as when its timeoutSeconds passes.
    void endWatches() { bump(m_endWatches); }
    // Every open watch gets a BOOKMARK at the current version.
    void sendBookmark() { bump(m_bookmarks); }
    // Every open watch gets an ERROR event "too old resource version" and ends.
    void expireWatches() { bump(m_expires); }

    std::string version() const
    {
        std::lock_guard lock(m_mutex);
        return std::to_string(m_version);
    }

    // key -> resourceVersion of every pod in the namespace.
    std::map<std::string, std::string> state(const std::string& namespaceName) const
    {
        std::lock_guard lock(m_mutex);
        std::map<std::string, std::string> out;
        for (const auto& [key, object] : m_objects) {
            if (object["metadata"]["namespace"] == namespaceName)
                out[key] = object["metadata"]["resourceVersion"].get<std::string>();
        }
        return out;
    }

    std::vector<Request> requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

    int openWatches() const
    {
        std::lock_guard lock(m_mutex);
        return m_openWatches;
    }

private:
    struct Event {
        long version;
        std::string type;
        nlohmann::json object;
    };

    static nlohmann::json status(int code, const std::string& reason, const std::string& message)
    {
        return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()}, {"status", "Failure"},
                {"message", message}, {"reason", reason}, {"code", code}};
    }

    void record(const std::string& type, const nlohmann::json& object)
    {
        m_history.push_back({m_version, type, object});
        m_changed.notify_all();
    }

    void bump(int& counter)
    {
        {
            std::lock_guard lock(m_mutex);
            ++counter;
        }
        m_changed.notify_all();
    }

    void serve(const httplib::Request& request, httplib::Response& response)
    {
        Request seen{request.path, {}, std::chrono::steady_clock::now()};
        for (const auto& [name, value] : request.params)
            seen.params[name] = value;
        const std::string namespaceName = request.matches[1];
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(seen);
        }
        if (seen.watch())
            watch(seen, namespaceName, response);
        else
            list(seen, namespaceName, response);
    }

    void list(const Request& request, const std::string& namespaceName, httplib::Response& response)
    {
        std::lock_guard lock(m_mutex);
        std::size_t offset = 0;
        if (const std::string token = request.param("continue"); !token.empty()) {
            if (m_knobs.expireContinue) {
                response.status = 410;
                response.set_content(status(410, "Expired", "The provided continue parameter is too old").dump(),
                                     "application/json");
                return;
            }
            offset = std::stoul(token.substr(token.find('+') + 1));
        }
        const std::size_t limit = request.param("limit").empty() ? 0 : std::stoul(request.param("limit"));
        nlohmann::json items = nlohmann::json::array();
        std::size_t index = 0;
        std::string continueToken;
        for (const auto& [key, object] : m_objects) {
            if (object["metadata"]["namespace"] != namespaceName)
                continue;
            if (index++ < offset)
                continue;
            if (limit > 0 && items.size() == limit) {
                // Characters that must be escaped in a query, as real (base64) tokens have.
                continueToken = "v=" + std::to_string(m_version) + "+" + std::to_string(offset + limit);
                break;
            }
            nlohmann::json item = object;
            item.erase("kind");
            item.erase("apiVersion");
            items.push_back(std::move(item));
        }
        nlohmann::json body = {{"kind", "PodList"},
                               {"apiVersion", "v1"},
                               {"metadata", {{"resourceVersion", std::to_string(m_version)}}},
                               {"items", std::move(items)}};
        if (!continueToken.empty())
            body["metadata"]["continue"] = continueToken;
        response.set_content(body.dump(), "application/json");
    }

    void watch(const Request& request, const std::string& namespaceName, httplib::Response& response)
    {
        std::unique_lock lock(m_mutex);
        if (m_knobs.tooManyWatches > 0) {
            --m_knobs.tooManyWatches;
            response.status = 429;
            response.set_header("Retry-After", "1");
            response.set_content(status(429, "TooManyRequests", "too many requests, please try again later").dump(),
                                 "application/json");
            return;
        }
        std::string from = request.param("resourceVersion");
        if (!m_knobs.replayFrom.empty()) {
            from = m_knobs.replayFrom;
            m_knobs.replayFrom.clear();
        }
        const long since = from.empty() ? m_version : std::stol(from);
        const bool tooOld = since < m_compactedAt;
        if (tooOld && !m_knobs.goneAsErrorEvent) {
            response.status = 410;
            response.set_content(status(410, "Expired", "too old resource version: " + from).dump(), "application/json");
            return;
        }
        auto cursor = std::make_shared<long>(since);
        auto marks = std::make_shared<std::array<int, 3>>(std::array<int, 3>{m_endWatches, m_bookmarks, m_expires});
        auto expired = std::make_shared<bool>(tooOld);
        ++m_openWatches;
        lock.unlock();
        // Not application/json: httplib would gzip it and hold it back; the API server does not.
        response.set_chunked_content_provider(
            "application/json;stream=watch",
            [this, cursor, marks, expired, namespaceName](std::size_t, httplib::DataSink& sink) {
                std::unique_lock lock(m_mutex);
                m_changed.wait_for(lock, std::chrono::milliseconds(20));
                if (m_stopping)
                    return false;
                std::string out;
                bool end = false;
                if (*expired || m_expires != (*marks)[2]) {
                    out += nlohmann::json{{"type", "ERROR"},
                                          {"object", status(410, "Expired", "too old resource version")}}.dump() + "\n";
                    end = true;
                } else if (!m_knobs.hold) {
                    for (const auto& event : m_history) {
                        if (event.version <= *cursor)
                            continue;
                        *cursor = event.version;
                        if (event.object["metadata"]["namespace"] == namespaceName)
                            out += nlohmann::json{{"type", event.type}, {"object", event.object}}.dump() + "\n";
                    }
                }
                if (!end && m_bookmarks != (*marks)[1]) {
                    (*marks)[1] = m_bookmarks;
                    *cursor = std::max(*cursor, m_version);
                    out += nlohmann::json{{"type", "BOOKMARK"},
                                          {"object", {{"kind", "Pod"}, {"apiVersion", "v1"},
                                                      {"metadata", {{"resourceVersion", std::to_string(*cursor)}}}}}}
                               .dump() + "\n";
                }
                end = end || m_endWatches != (*marks)[0];
                const std::size_t chunk = m_knobs.chunkSize;
                lock.unlock();
                for (std::size_t at = 0; at < out.size();) {
                    const std::size_t size = chunk > 0 ? std::min(chunk, out.size() - at) : out.size() - at;
                    if (!sink.write(out.data() + at, size))
                        return false;
                    at += size;
                    if (chunk > 0)
                        std::this_thread::sleep_for(std::chrono::microseconds(300));
                }
                if (end)
                    sink.done();
                return true;
            },
            [this](bool) {
                std::lock_guard lock(m_mutex);
                --m_openWatches;
            });
    }

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<std::string, nlohmann::json> m_objects; // "namespace/name"
    std::vector<Event> m_history;
    long m_version = 100;
    long m_compactedAt = 0;
    Knobs m_knobs;
    int m_endWatches = 0;
    int m_bookmarks = 0;
    int m_expires = 0;
    int m_openWatches = 0;
    bool m_stopping = false;
    std::vector<Request> m_requests;

    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
};

} // namespace testserver
