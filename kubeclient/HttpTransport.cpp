// SPDX-License-Identifier: Apache-2.0
#include "HttpTransport.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace kube {

namespace {

// curl_global_init is not guaranteed thread-safe everywhere; a function-local static runs it once,
// before the first transport starts its thread. It is never undone: other code in the process may
// still use libcurl at exit.
void initCurlOnce()
{
    [[maybe_unused]] static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
}

// Connect timeout apart from the total: an unreachable server should fail fast even for a watch
// that has no total timeout.
constexpr long ConnectTimeoutMs = 10000;
// Upper bound of one curl_multi_poll wait; curl shortens it for its own timers and
// curl_multi_wakeup interrupts it, so this only bounds how stale a missed wake-up can get.
constexpr int PollTimeoutMs = 1000;

struct UrlParts {
    std::string host; // as in the URL, with brackets for IPv6
    std::string port; // always set (default port of the scheme when absent)
    bool explicitPort = false;
};

std::optional<UrlParts> splitUrl(const std::string& url)
{
    CURLU* handle = curl_url();
    if (!handle)
        return std::nullopt;
    std::optional<UrlParts> result;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        char* explicitPort = nullptr;
        const bool hasPort = curl_url_get(handle, CURLUPART_PORT, &explicitPort, 0) == CURLUE_OK;
        curl_free(explicitPort);
        result = UrlParts{host, port, hasPort};
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(handle);
    return result;
}

std::string replaceHost(const std::string& url, const std::string& host)
{
    CURLU* handle = curl_url();
    std::string out = url;
    char* rewritten = nullptr;
    if (handle && curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_set(handle, CURLUPART_HOST, host.c_str(), 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_URL, &rewritten, 0) == CURLUE_OK)
        out = rewritten;
    curl_free(rewritten);
    curl_url_cleanup(handle);
    return out;
}

// One request on its way through curl. Owns everything curl points into until the handle is gone.
struct Transfer {
    RequestId id = 0;
    HttpRequest request;
    HttpTransport::Completion completion;
    std::shared_ptr<const Credential> credential; // from the connection's source, when it has one
    bool retriedAfter401 = false;
    bool retriedAfter429 = false;
    bool retriedOnFreshConnection = false;
    bool timerOnly = false; // startTimer(): no request, the completion runs at notBefore
    std::chrono::steady_clock::time_point notBefore;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    curl_slist* connectTo = nullptr;
    HttpResponse response;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    Transfer() = default;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    ~Transfer()
    {
        if (easy)
            curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
        curl_slist_free_all(connectTo);
    }
};

// Retry-After in its delay-seconds form; the HTTP-date form is not used by the API server and, as in
// client-go, counts as absent.
long retryAfterSeconds(CURL* easy)
{
    curl_header* header = nullptr;
    if (curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &header) != CURLHE_OK || !header->value)
        return -1;
    std::string_view text = header->value;
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    long seconds = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc() || seconds < 0)
        return -1;
    return seconds;
}

size_t receiveBody(char* data, size_t size, size_t count, void* userData)
{
    auto& transfer = *static_cast<Transfer*>(userData);
    const size_t bytes = size * count;
    if (transfer.request.onData) {
        long status = 0;
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300)
            return transfer.request.onData(std::string_view(data, bytes)) ? bytes : 0;
    }
    transfer.response.body.append(data, bytes);
    return bytes;
}

// Where credential sources post their answers. Shared with their callbacks, which may outlive the
// worker (a plugin still running when the client is destroyed).
struct CredentialMailbox {
    std::mutex mutex;
    CURLM* multi = nullptr; // null once the worker is gone
    std::vector<std::pair<RequestId, CredentialResult>> answers;

    void post(RequestId id, CredentialResult result)
    {
        std::lock_guard lock(mutex);
        if (!multi)
            return;
        answers.emplace_back(id, std::move(result));
        curl_multi_wakeup(multi);
    }
};

} // namespace

class HttpTransport::Worker {
public:
    explicit Worker(ClusterConnection connection)
        : m_connection(std::move(connection))
    {
        initCurlOnce();
        m_multi = curl_multi_init();
        // Several requests to the API server share one HTTP/2 connection.
        curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
        m_mailbox->multi = m_multi;
        m_thread = std::thread([this] { run(); });
    }

    ~Worker()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        curl_multi_wakeup(m_multi);
        m_thread.join();
        {
            std::lock_guard lock(m_mailbox->mutex);
            m_mailbox->multi = nullptr;
        }
        curl_multi_cleanup(m_multi);
    }

    RequestId start(HttpRequest request, Completion completion)
    {
        auto transfer = std::make_unique<Transfer>();
        transfer->notBefore = std::chrono::steady_clock::now() + request.startDelay;
        transfer->request = std::move(request);
        transfer->completion = std::move(completion);
        return enqueue(std::move(transfer));
    }

    RequestId startTimer(std::chrono::milliseconds delay, std::function<void()> due)
    {
        auto transfer = std::make_unique<Transfer>();
        transfer->timerOnly = true;
        transfer->notBefore = std::chrono::steady_clock::now() + delay;
        transfer->completion = [due = std::move(due)](HttpResponse) { due(); };
        return enqueue(std::move(transfer));
    }

    RequestId enqueue(std::unique_ptr<Transfer> transfer)
    {
        RequestId id;
        {
            std::lock_guard lock(m_mutex);
            id = ++m_lastId;
            transfer->id = id;
            m_queued.push_back(std::move(transfer));
        }
        curl_multi_wakeup(m_multi);
        return id;
    }

    void cancel(RequestId id)
    {
        std::unique_ptr<Transfer> notStarted;
        {
            std::lock_guard lock(m_mutex);
            const auto queued = std::find_if(m_queued.begin(), m_queued.end(),
                                             [id](const auto& transfer) { return transfer->id == id; });
            if (queued != m_queued.end()) {
                notStarted = std::move(*queued);
                m_queued.erase(queued);
            } else {
                m_cancelled.insert(id);
            }
        }
        // notStarted dies here, outside the lock: its completion may own arbitrary state.
        if (!notStarted)
            curl_multi_wakeup(m_multi);
    }

private:
    void run()
    {
        for (;;) {
            if (!takeWork())
                break;
            int running = 0;
            curl_multi_perform(m_multi, &running);
            int left = 0;
            while (CURLMsg* message = curl_multi_info_read(m_multi, &left)) {
                if (message->msg == CURLMSG_DONE)
                    finish(message->easy_handle, message->data.result);
            }
            curl_multi_poll(m_multi, nullptr, 0, pollTimeoutMs(), nullptr);
        }
        // Shutting down: nothing left in flight gets a completion.
        for (auto& [id, transfer] : m_active)
            curl_multi_remove_handle(m_multi, transfer->easy);
        m_active.clear();
        m_awaitingCredential.clear();
        m_delayed.clear();
    }

    // Wakes up in time for the earliest delayed request.
    int pollTimeoutMs() const
    {
        if (m_delayed.empty())
            return PollTimeoutMs;
        const auto earliest = std::min_element(m_delayed.begin(), m_delayed.end(), [](const auto& a, const auto& b) {
                                  return a->notBefore < b->notBefore;
                              })->get()->notBefore;
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(earliest - std::chrono::steady_clock::now());
        return int(std::clamp<long long>(wait.count(), 0, PollTimeoutMs));
    }

    // Moves new requests into curl and drops cancelled ones. Returns false when the worker stops.
    bool takeWork()
    {
        std::vector<std::unique_ptr<Transfer>> queued;
        std::unordered_set<RequestId> cancelled;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return false;
            queued.swap(m_queued);
            cancelled.swap(m_cancelled);
        }
        for (RequestId id : cancelled) {
            // Ids of requests that already finished are simply forgotten here.
            if (auto it = m_active.find(id); it != m_active.end()) {
                curl_multi_remove_handle(m_multi, it->second->easy);
                m_active.erase(it);
            }
            m_awaitingCredential.erase(id);
            std::erase_if(m_delayed, [id](const auto& transfer) { return transfer->id == id; });
        }
        for (auto& transfer : queued)
            m_delayed.push_back(std::move(transfer));
        // Everything passes through m_delayed so that one place decides what is due, in order.
        const auto now = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<Transfer>> due;
        for (auto it = m_delayed.begin(); it != m_delayed.end();) {
            if ((*it)->notBefore <= now) {
                due.push_back(std::move(*it));
                it = m_delayed.erase(it);
            } else {
                ++it;
            }
        }
        for (auto& transfer : due)
            proceed(std::move(transfer));
        // Answers of credential sources, including those given at once from a cache just now.
        std::vector<std::pair<RequestId, CredentialResult>> answers;
        {
            std::lock_guard lock(m_mailbox->mutex);
            answers.swap(m_mailbox->answers);
        }
        for (auto& [id, answer] : answers) {
            auto node = m_awaitingCredential.extract(id);
            if (node.empty())
                continue; // cancelled meanwhile
            std::unique_ptr<Transfer> transfer = std::move(node.mapped());
            if (!answer.credential) {
                transfer->response.credentialError = answer.error;
                transfer->response.transportError = "no credential: " + answer.error;
                deliver(*transfer);
                continue;
            }
            transfer->credential = std::move(answer.credential);
            begin(std::move(transfer));
        }
        return true;
    }

    void proceed(std::unique_ptr<Transfer> transfer)
    {
        if (transfer->timerOnly)
            deliver(*transfer);
        else if (m_connection.credentials && !transfer->credential)
            askForCredential(std::move(transfer));
        else
            begin(std::move(transfer));
    }

    void askForCredential(std::unique_ptr<Transfer> transfer)
    {
        const RequestId id = transfer->id;
        m_awaitingCredential.emplace(id, std::move(transfer));
        m_connection.credentials->fetch([mailbox = m_mailbox, id](CredentialResult result) {
            mailbox->post(id, std::move(result));
        });
    }

    void begin(std::unique_ptr<Transfer> transfer)
    {
        if (!setUp(*transfer)) {
            deliver(*transfer);
            return;
        }
        curl_multi_add_handle(m_multi, transfer->easy);
        const RequestId id = transfer->id;
        m_active.emplace(id, std::move(transfer));
    }

    bool setUp(Transfer& transfer)
    {
        transfer.easy = curl_easy_init();
        if (!transfer.easy) {
            transfer.response.transportError = "cannot create a libcurl handle";
            return false;
        }
        CURL* easy = transfer.easy;
        const HttpRequest& request = transfer.request;
        std::string url = request.url;

        // tls-server-name: curl checks the certificate against the URL's host and sends it as SNI, so
        // the URL names the TLS name and CONNECT_TO sends the connection to the real host. The Host
        // header keeps the real one, as client-go's tls.Config.ServerName does.
        if (!m_connection.tlsServerName.empty()) {
            const auto parts = splitUrl(url);
            if (!parts) {
                transfer.response.transportError = "not a valid URL";
                return false;
            }
            url = replaceHost(url, m_connection.tlsServerName);
            transfer.connectTo = curl_slist_append(
                nullptr, (m_connection.tlsServerName + ":" + parts->port + ":" + parts->host + ":" + parts->port).c_str());
            curl_easy_setopt(easy, CURLOPT_CONNECT_TO, transfer.connectTo);
            transfer.headers = curl_slist_append(
                transfer.headers, ("Host: " + parts->host + (parts->explicitPort ? ":" + parts->port : "")).c_str());
        }

        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, receiveBody);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
        // Signals would hit whatever thread the process happens to run; never use them.
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
        // Wait for a connection that is being set up rather than open a second one: once ALPN says
        // HTTP/2 the request is multiplexed onto it. Only over TLS: on cleartext HTTP curl learns the
        // version from the first response, so a slow answer would hold back every request behind it.
        if (url.starts_with("https://"))
            curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, request.timeoutMs);
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                         request.timeoutMs > 0 ? std::min(request.timeoutMs, ConnectTimeoutMs) : ConnectTimeoutMs);
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        if (transfer.retriedOnFreshConnection)
            curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        // Large lists compress well and the API server gzips them when asked. Only gzip, the one
        // kube-apiserver offers: asking for all libcurl decodes invites brotli, which some servers
        // (the demo cluster's HTTP library among them) run at a quality costing milliseconds per
        // answer. Streams (watches, logs) are not asked to: their small events must leave at once,
        // and a server or proxy that compresses buffers them (kube-apiserver never compresses a watch).
        if (!request.onData)
            curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");

        if (m_connection.insecureSkipTlsVerify) {
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
        } else if (!m_connection.caPem.empty()) {
            curl_blob ca{const_cast<char*>(m_connection.caPem.data()), m_connection.caPem.size(), CURL_BLOB_COPY};
            curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &ca);
            // Trust only the cluster's CA, as client-go does, not the system store next to it.
            curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
        }
        if (!m_connection.proxyUrl.empty())
            curl_easy_setopt(easy, CURLOPT_PROXY, m_connection.proxyUrl.c_str());

        // A credential source replaces the static credentials of the connection entirely.
        const std::string& token = transfer.credential ? transfer.credential->token : m_connection.bearerToken;
        const std::string& certPem = transfer.credential ? transfer.credential->clientCertPem : m_connection.clientCertPem;
        const std::string& keyPem = transfer.credential ? transfer.credential->clientKeyPem : m_connection.clientKeyPem;
        if (!certPem.empty()) {
            // Blobs are copied by curl, so no key ever lands in a temporary file.
            curl_blob cert{const_cast<char*>(certPem.data()), certPem.size(), CURL_BLOB_COPY};
            curl_blob key{const_cast<char*>(keyPem.data()), keyPem.size(), CURL_BLOB_COPY};
            curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
            curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert);
            curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
            curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key);
        }

        if (!token.empty())
            transfer.headers = curl_slist_append(transfer.headers, ("Authorization: Bearer " + token).c_str());
        for (const auto& header : request.headers)
            transfer.headers = curl_slist_append(transfer.headers, header.c_str());
        // curl would otherwise pause large bodies for a 100-continue the API server never needs.
        transfer.headers = curl_slist_append(transfer.headers, "Expect:");
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers);

        if (request.method == "GET") {
            curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
            const bool sendsBody =
                !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
            if (sendsBody) {
                curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
                curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
            }
        }
        return true;
    }

    void finish(CURL* easy, CURLcode result)
    {
        Transfer* raw = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
        curl_multi_remove_handle(m_multi, easy);
        auto node = m_active.extract(raw->id);
        Transfer& transfer = *node.mapped();
        HttpResponse& response = transfer.response;
        if (result == CURLE_OK) {
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
            // A rejected credential may just have expired early or been revoked: renew it and
            // send the request once more (client-go renews too; the retry spares callers a failure).
            if (response.status == 401 && transfer.credential && !transfer.retriedAfter401) {
                m_connection.credentials->invalidate(transfer.credential);
                auto retry = std::make_unique<Transfer>();
                retry->id = transfer.id;
                retry->request = std::move(transfer.request);
                retry->completion = std::move(transfer.completion);
                retry->retriedAfter401 = true;
                askForCredential(std::move(retry));
                return;
            }
            response.retryAfterSeconds = retryAfterSeconds(easy);
            if (response.status == 429 && !transfer.retriedAfter429 && response.retryAfterSeconds >= 0 &&
                std::chrono::seconds(response.retryAfterSeconds) <= transfer.request.maxRetryAfter) {
                auto retry = std::make_unique<Transfer>();
                retry->id = transfer.id;
                retry->notBefore = std::chrono::steady_clock::now() + std::chrono::seconds(response.retryAfterSeconds);
                retry->request = std::move(transfer.request);
                retry->completion = std::move(transfer.completion);
                retry->credential = std::move(transfer.credential);
                retry->retriedAfter401 = transfer.retriedAfter401;
                retry->retriedAfter429 = true;
                m_delayed.push_back(std::move(retry));
                return;
            }
            const char* contentType = nullptr;
            curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &contentType);
            response.contentType = contentType ? contentType : "";
        } else if (!transfer.retriedOnFreshConnection && diedOnReuse(easy, result, transfer.request)) {
            auto retry = std::make_unique<Transfer>();
            retry->id = transfer.id;
            retry->request = std::move(transfer.request);
            retry->completion = std::move(transfer.completion);
            retry->credential = std::move(transfer.credential);
            retry->retriedAfter401 = transfer.retriedAfter401;
            retry->retriedAfter429 = transfer.retriedAfter429;
            retry->retriedOnFreshConnection = true;
            begin(std::move(retry));
            return;
        } else {
            // A half-received answer is no answer: the caller sees a transport error, not a bad body.
            response.status = 0;
            response.body.clear();
            response.transportError = transfer.errorBuffer[0] ? transfer.errorBuffer : curl_easy_strerror(result);
        }
        deliver(transfer);
    }

    // A kept-alive connection the server had closed meanwhile (idle timeout, request limit), found
    // out only when the request went over it. Sending it again on a fresh connection is what Go's
    // client (and so kubectl) does: a request that could not be sent was not processed, and a GET
    // without any answer can be asked again. Nothing of a 2xx stream has reached the caller then.
    static bool diedOnReuse(CURL* easy, CURLcode result, const HttpRequest& request)
    {
        long newConnections = 0;
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &newConnections);
        curl_off_t received = 0;
        curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
        long headerBytes = 0;
        curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &headerBytes);
        if (newConnections != 0 || received != 0 || headerBytes != 0)
            return false;
        return result == CURLE_SEND_ERROR ||
               (request.method == "GET" && (result == CURLE_RECV_ERROR || result == CURLE_GOT_NOTHING));
    }

    // Runs the completion unless cancel() got there first; cancel() may come from any thread up to
    // this point, so the check is made under the lock right before the call.
    void deliver(Transfer& transfer)
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_cancelled.erase(transfer.id) > 0)
                return;
        }
        transfer.completion(std::move(transfer.response));
    }

    const ClusterConnection m_connection;
    CURLM* m_multi = nullptr;

    std::mutex m_mutex; // guards the members up to m_thread
    std::vector<std::unique_ptr<Transfer>> m_queued;
    std::unordered_set<RequestId> m_cancelled;
    RequestId m_lastId = 0;
    bool m_stopping = false;

    // I/O thread only.
    std::unordered_map<RequestId, std::unique_ptr<Transfer>> m_active;
    std::unordered_map<RequestId, std::unique_ptr<Transfer>> m_awaitingCredential;
    std::vector<std::unique_ptr<Transfer>> m_delayed; // not yet due; few, so scanned linearly

    const std::shared_ptr<CredentialMailbox> m_mailbox = std::make_shared<CredentialMailbox>();
    std::thread m_thread;
};

HttpTransport::HttpTransport(ClusterConnection connection)
    : m_worker(std::make_unique<Worker>(std::move(connection)))
{
}

HttpTransport::~HttpTransport() = default;

RequestId HttpTransport::start(HttpRequest request, Completion completion)
{
    return m_worker->start(std::move(request), std::move(completion));
}

RequestId HttpTransport::startTimer(std::chrono::milliseconds delay, std::function<void()> due)
{
    return m_worker->startTimer(delay, std::move(due));
}

void HttpTransport::cancel(RequestId id)
{
    m_worker->cancel(id);
}

} // namespace kube
