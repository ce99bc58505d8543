// SPDX-License-Identifier: Apache-2.0
#include "Informer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace kube {

namespace {

// A watch that ends by itself this soon without an event is a server or proxy in trouble, not a
// timeout: reconnect after the backoff rather than at once (client-go's "very short watch").
constexpr auto VeryShortWatch = std::chrono::seconds(1);

std::string urlEncode(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += char(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

bool isGone(const ApiError& error)
{
    return error.httpStatus == 410 || error.reason == "Expired" || error.reason == "Gone";
}

// An ERROR event carries a Status; make it the error a failed request would have been.
ApiError errorFromStatus(const nlohmann::json& status, const std::string& url)
{
    const auto code = status.is_object() ? status.find("code") : status.end();
    const long httpStatus = code != status.end() && code->is_number_integer() ? code->get<long>() : 500;
    ApiError error = ApiError::fromHttp(httpStatus, status.dump(), url);
    error.method = "GET";
    return error;
}

} // namespace

Informer::Informer(KubeClient& client, std::string collectionPath, Handlers handlers, InformerOptions options)
    : m_client(client)
    , m_path(std::move(collectionPath))
    , m_handlers(std::move(handlers))
    , m_options(std::move(options))
    , m_backoff(m_options.backoff)
{
}

Informer::~Informer()
{
    stop();
}

void Informer::start()
{
    if (m_running)
        return;
    m_running = true;
    list(m_lastResourceVersion.empty() ? ListFrom::ServerCache : m_listFrom);
}

void Informer::stop()
{
    m_running = false;
    if (m_inFlight != 0)
        m_client.cancel(m_inFlight);
    m_inFlight = 0;
    m_listed.clear();
}

void Informer::abandon()
{
    m_inFlight = 0;
    stop();
}

std::string Informer::withQuery(std::vector<std::string> parameters) const
{
    if (!m_options.labelSelector.empty())
        parameters.push_back("labelSelector=" + urlEncode(m_options.labelSelector));
    if (!m_options.fieldSelector.empty())
        parameters.push_back("fieldSelector=" + urlEncode(m_options.fieldSelector));
    std::string path = m_path;
    char separator = m_path.find('?') == std::string::npos ? '?' : '&';
    for (const auto& parameter : parameters) {
        path += separator + parameter;
        separator = '&';
    }
    return path;
}

void Informer::list(ListFrom from)
{
    ++m_lists;
    m_listFrom = from;
    m_paginated = true;
    m_listed.clear();
    requestPage({}, true);
}

void Informer::requestPage(const std::string& continueToken, bool paginated)
{
    std::vector<std::string> parameters;
    if (paginated)
        parameters.push_back("limit=" + std::to_string(m_options.pageSize));
    if (!continueToken.empty()) {
        // The token pins the list's version; the server refuses a resourceVersion next to it.
        parameters.push_back("continue=" + urlEncode(continueToken));
    } else if (m_listFrom == ListFrom::ServerCache) {
        if (m_lastResourceVersion.empty()) {
            parameters.emplace_back("resourceVersion=0");
        } else {
            parameters.push_back("resourceVersion=" + urlEncode(m_lastResourceVersion));
            parameters.emplace_back("resourceVersionMatch=NotOlderThan");
        }
    }
    m_inFlight = m_client.list(withQuery(std::move(parameters)), [this](ListResult result) {
        m_inFlight = 0;
        onPage(std::move(result));
    });
}

void Informer::onPage(ListResult result)
{
    if (result.error) {
        // An expired continue token: the list moved on. Fetch it whole, as client-go's pager does,
        // rather than page through again and risk expiring once more.
        if (isGone(result.error) && m_paginated && !m_listed.empty()) {
            m_paginated = false;
            m_listed.clear();
            m_listFrom = ListFrom::Latest;
            requestPage({}, false);
            return;
        }
        if (isGone(result.error))
            m_listFrom = ListFrom::Latest;
        retryLater(result.error, Then::Relist);
        return;
    }
    // Page by page, so that at most one page of whole objects is held at a time.
    for (auto& item : result.items)
        m_listed.push_back(transformed(std::move(item)));
    if (!result.continueToken.empty() && m_paginated) {
        requestPage(result.continueToken, true);
        return;
    }

    const auto changes = m_cache.replace(m_listed);
    m_listed.clear();
    m_lastResourceVersion = result.resourceVersion;
    m_listFrom = ListFrom::ServerCache;
    if (!emit(changes))
        return;
    if (m_handlers.listed) {
        m_handlers.listed();
        if (!m_running)
            return;
    }
    if (!m_synced) {
        m_synced = true;
        if (m_handlers.synced)
            m_handlers.synced();
        if (!m_running)
            return;
    }
    watch();
}

void Informer::watch()
{
    const auto min = std::max<long long>(1, m_options.minWatchTimeout.count());
    const auto timeoutSeconds = std::uniform_int_distribution<long long>(min, 2 * min - 1)(m_random);
    std::vector<std::string> parameters{"watch=true", "allowWatchBookmarks=true",
                                        "timeoutSeconds=" + std::to_string(timeoutSeconds)};
    if (!m_lastResourceVersion.empty())
        parameters.push_back("resourceVersion=" + urlEncode(m_lastResourceVersion));
    m_watchStarted = std::chrono::steady_clock::now();
    m_watchEvents = 0;
    m_inFlight = m_client.watch(
        withQuery(std::move(parameters)), [this](const WatchEvent& event) { onWatchEvent(event); },
        [this](const ApiError& error) {
            m_inFlight = 0;
            onWatchEnd(error);
        });
}

void Informer::onWatchEvent(const WatchEvent& event)
{
    ++m_watchEvents;
    if (event.type == "ERROR") {
        // The server ends the watch after an ERROR; stop listening now so nothing else arrives.
        m_client.cancel(m_inFlight);
        m_inFlight = 0;
        const ApiError error = errorFromStatus(*event.object, m_client.url(m_path));
        if (isGone(error))
            m_listFrom = ListFrom::Latest;
        retryLater(error, Then::Relist);
        return;
    }
    if (const std::string version = InformerCache::resourceVersionOf(*event.object); !version.empty())
        m_lastResourceVersion = version;
    if (event.type == "BOOKMARK")
        return;
    if (auto change = m_cache.apply(event.type, transformed(event.object)))
        emit({*change});
}

void Informer::onWatchEnd(const ApiError& error)
{
    if (error.ok()) {
        if (m_watchEvents == 0 && std::chrono::steady_clock::now() - m_watchStarted < VeryShortWatch) {
            retryLater(ApiError::transport("the watch ended at once without an event", m_client.url(m_path)),
                       Then::Rewatch);
            return;
        }
        watch(); // the server's timeoutSeconds passed: carry on from where it left off
        return;
    }
    if (isGone(error)) {
        m_listFrom = ListFrom::Latest;
        retryLater(error, Then::Relist);
        return;
    }
    // The connection broke or the server is overloaded: the cache is still right up to the last
    // resourceVersion, so resume the watch there. Anything else (403, a bad stream) means lists again.
    const bool resumable = error.kind == ApiError::Kind::Transport || error.httpStatus == 429 || error.httpStatus >= 500;
    retryLater(error, resumable ? Then::Rewatch : Then::Relist);
}

ObjectPtr Informer::transformed(ObjectPtr object) const
{
    return m_options.transform && object ? m_options.transform(object) : object;
}

bool Informer::emit(const std::vector<CacheChange>& changes)
{
    // A callback may stop the informer: the rest of the batch is then not reported (the cache has it).
    for (const auto& change : changes) {
        if (!m_running)
            return false;
        switch (change.type) {
        case CacheChange::Type::Added:
            if (m_handlers.added)
                m_handlers.added(change.current);
            break;
        case CacheChange::Type::Updated:
            if (m_handlers.updated)
                m_handlers.updated(change.previous, change.current);
            break;
        case CacheChange::Type::Deleted:
            if (m_handlers.deleted)
                m_handlers.deleted(change.current);
            break;
        }
    }
    return m_running;
}

void Informer::retryLater(const ApiError& error, Then then)
{
    if (m_handlers.failed) {
        m_handlers.failed(error);
        if (!m_running)
            return;
    }
    auto delay = m_backoff.next();
    if (error.httpStatus == 429 && error.retryAfterSeconds > 0)
        delay = std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(error.retryAfterSeconds));
    m_inFlight = m_client.after(delay, [this, then] {
        m_inFlight = 0;
        if (then == Then::Relist)
            list(m_listFrom);
        else
            watch();
    });
}

} // namespace kube
