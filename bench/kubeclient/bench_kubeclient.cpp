// SPDX-License-Identifier: Apache-2.0
// kubeclient against kubectl, side by side in one run:
//   (a) a watch stream of 100,000 pod events served from a local HTTP server: MeshDeck's watch
//       (transport, incremental decoding, every event parsed into JSON) against
//       `kubectl get pods -w -o json` reading the same bytes from the same server, as a ratio;
//   (b) LIST of 10,000 pods created in a demo cluster first: pages of 500 (what the informer
//       does) and one unpaginated list, beside `kubectl get pods -o json`;
//   (c) one PATCH round trip on loopback against the demo cluster (TLS, bearer token): p50/p95
//       over sequential patches, beside `kubectl patch` of the same change.
// The client-side rate limit is off for (b) and (c): it paces bursts by design (QPS 5, burst 10)
// and would measure the limiter, not the round trip. Callbacks run on the I/O thread (an inline
// executor), so the figures are the client's own work without a GUI event loop.
// Run: build/<dir>/bench/kubeclient/bench_kubeclient [events] [pods] [patches]

#include "DemoClusterProcess.h"

#include "kubeclient/Kubeconfig.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/ResourceKind.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const QString Kubectl = QStringLiteral("/usr/bin/kubectl");

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(q * double(values.size())))];
}

// Waits on the calling thread for callbacks that run on the I/O thread.
class Latch {
public:
    void release()
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
        m_changed.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_done; });
        m_done = false;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_done = false;
};

const kube::Executor Inline = [](std::function<void()> task) { task(); };

// A pod the size and shape of a real one (about 1.5 KB of JSON).
json pod(int i, const std::string& resourceVersion)
{
    const std::string name = "reviews-v" + std::to_string(i % 3 + 1) + "-" + std::to_string(100000 + i);
    return json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", name},
                  {"namespace", "bench"},
                  {"uid", "9f1c2d3e-" + std::to_string(1000000 + i) + "-4a5b-8c7d-0e1f2a3b4c5d"},
                  {"resourceVersion", resourceVersion},
                  {"creationTimestamp", "2026-11-26T10:00:00Z"},
                  {"labels", {{"app", "reviews"}, {"version", "v" + std::to_string(i % 3 + 1)}, {"pod-template-hash", "5c9d7f"}}},
                  {"annotations", {{"sidecar.istio.io/status", R"({"initContainers":["istio-init"],"containers":["istio-proxy"]})"},
                                   {"prometheus.io/scrape", "true"}}}}},
                {"spec",
                 {{"nodeName", "node-" + std::to_string(i % 7)},
                  {"serviceAccountName", "bookinfo-reviews"},
                  {"containers",
                   {{{"name", "reviews"},
                     {"image", "docker.io/istio/examples-bookinfo-reviews-v1:1.20.2"},
                     {"ports", {{{"containerPort", 9080}, {"protocol", "TCP"}}}},
                     {"env", {{{"name", "LOG_DIR"}, {"value", "/tmp/logs"}}}},
                     {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}},
                    {{"name", "istio-proxy"},
                     {"image", "docker.io/istio/proxyv2:1.24.0"},
                     {"args", {"proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"}}}}}}},
                {"status",
                 {{"phase", "Running"},
                  {"podIP", "10.244." + std::to_string(i % 250) + "." + std::to_string(i % 200 + 2)},
                  {"conditions", {{{"type", "Ready"}, {"status", "True"}}, {{"type", "ContainersReady"}, {"status", "True"}}}}}}};
}

std::string urlEncode(const std::string& text)
{
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            out += escaped;
        }
    }
    return out;
}

// (a) ---------------------------------------------------------------------------------------

// Serves the discovery kubectl needs, an empty pod list and then the recorded watch stream, as
// fast as the client reads it.
class RecordedWatchServer {
public:
    explicit RecordedWatchServer(int events)
    {
        for (int i = 0; i < events; ++i) {
            m_stream += json{{"type", i % 4 == 0 ? "ADDED" : "MODIFIED"}, {"object", pod(i % 5000, std::to_string(1000 + i))}}.dump();
            m_stream += '\n';
        }
        m_server.Get("/api", [](const httplib::Request&, httplib::Response& response) {
            response.set_content(R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]})", "application/json");
        });
        m_server.Get("/apis", [](const httplib::Request&, httplib::Response& response) {
            response.set_content(R"({"kind":"APIGroupList","apiVersion":"v1","groups":[]})", "application/json");
        });
        m_server.Get("/api/v1", [](const httplib::Request&, httplib::Response& response) {
            response.set_content(R"({"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods",)"
                                 R"("singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"],)"
                                 R"("shortNames":["po"]}]})",
                                 "application/json");
        });
        m_server.Get("/api/v1/namespaces/bench/pods", [this](const httplib::Request& request, httplib::Response& response) {
            if (request.get_param_value("watch") != "true") {
                response.set_content(R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"999"},"items":[]})",
                                     "application/json");
                return;
            }
            response.set_chunked_content_provider("application/json", [this](std::size_t offset, httplib::DataSink& sink) {
                constexpr std::size_t Piece = 64 * 1024;
                if (offset >= m_stream.size()) {
                    sink.done();
                    return true;
                }
                return sink.write(m_stream.data() + offset, std::min(Piece, m_stream.size() - offset));
            });
        });
        m_server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
            if (response.status >= 400)
                std::fprintf(stderr, "recorded watch server: %d for %s %s\n", response.status, request.method.c_str(),
                             request.path.c_str());
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~RecordedWatchServer()
    {
        m_server.stop();
        m_thread.join();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::size_t bytes() const { return m_stream.size(); }

private:
    std::string m_stream;
    httplib::Server m_server;
    std::thread m_thread;
    int m_port = 0;
};

struct WatchRun {
    double ms = 0;
    long events = 0;
    std::string error;
};

WatchRun meshdeckWatch(const std::string& server)
{
    kube::ClusterConnection connection;
    connection.server = server;
    kube::KubeClient client(connection, Inline, kube::ClientOptions{0, 1});
    WatchRun run;
    std::atomic<long> events{0};
    Latch ended;
    const auto start = Clock::now();
    client.watch("/api/v1/namespaces/bench/pods?watch=true&resourceVersion=999",
                 [&](const kube::WatchEvent& event) { events += event.object ? 1 : 0; },
                 [&](const kube::ApiError& error) {
                     run.error = error ? error.describe() : "";
                     ended.release();
                 });
    ended.wait();
    run.ms = msSince(start);
    run.events = events;
    return run;
}

QString writeKubeconfig(const QTemporaryDir& dir, const std::string& server)
{
    const QString path = dir.filePath(QStringLiteral("kubeconfig"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(QByteArray("apiVersion: v1\nkind: Config\ncurrent-context: bench\nclusters:\n- name: bench\n  cluster:\n"
                          "    server: ") +
               QByteArray::fromStdString(server) +
               QByteArray("\nusers:\n- name: bench\n  user: {}\ncontexts:\n- name: bench\n  context: {cluster: bench, "
                          "user: bench, namespace: bench}\n"));
    return path;
}

// Runs kubectl with its output thrown away; milliseconds, or -1 when it failed.
double runKubectl(const QString& kubeconfig, const QString& cacheDir, const QStringList& arguments)
{
    QProcess kubectl;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), cacheDir);
    environment.remove(QStringLiteral("KUBECONFIG"));
    kubectl.setProcessEnvironment(environment);
    kubectl.setStandardOutputFile(QProcess::nullDevice());
    const auto start = Clock::now();
    kubectl.start(Kubectl, QStringList{QStringLiteral("--kubeconfig"), kubeconfig} + arguments);
    if (!kubectl.waitForFinished(600000) || kubectl.exitCode() != 0) {
        std::fprintf(stderr, "kubectl %s failed: %s\n", qPrintable(arguments.join(QLatin1Char(' '))),
                     kubectl.readAllStandardError().constData());
        return -1;
    }
    return msSince(start);
}

void benchWatch(int events)
{
    std::printf("(a) watch stream of %d pod events\n", events);
    RecordedWatchServer server(events);
    std::printf("    stream: %.1f MB\n", double(server.bytes()) / 1e6);
    meshdeckWatch(server.url()); // warm-up: page in the stream and the code
    const WatchRun ours = meshdeckWatch(server.url());
    if (!ours.error.empty() || ours.events != events)
        std::printf("    MeshDeck: %ld events, error: %s\n", ours.events, ours.error.c_str());
    std::printf("    MeshDeck watch:  %8.0f ms  %9.0f events/s  %6.1f MB/s\n", ours.ms, events / ours.ms * 1000,
                double(server.bytes()) / 1e3 / ours.ms);
    if (!QFile::exists(Kubectl)) {
        std::printf("    kubectl: not installed\n");
        return;
    }
    QTemporaryDir dir;
    const QString kubeconfig = writeKubeconfig(dir, server.url());
    const QString cache = dir.filePath(QStringLiteral("cache"));
    const QStringList watch{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-w"), QStringLiteral("-o"),
                            QStringLiteral("json")};
    // Its start-up and discovery without a stream, to separate them from its decoding.
    const double startup = runKubectl(kubeconfig, cache, {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"),
                                                          QStringLiteral("json")});
    const double theirs = runKubectl(kubeconfig, cache, watch);
    if (theirs < 0)
        return;
    std::printf("    kubectl get -w -o json: %8.0f ms  %9.0f events/s  (of which start-up and list %.0f ms)\n", theirs,
                events / (theirs - startup) * 1000, startup);
    std::printf("    ratio: MeshDeck is %.1fx kubectl's speed (%.1fx without kubectl's start-up)\n", theirs / ours.ms,
                (theirs - startup) / ours.ms);
}

// (b), (c) ----------------------------------------------------------------------------------

struct Demo {
    DemoClusterProcess process;
    kube::ClusterConnection connection;
    QString cacheDir;
};

bool startDemo(Demo& demo)
{
    if (!demo.process.start()) {
        std::fprintf(stderr, "%s\n", qPrintable(demo.process.errorString()));
        return false;
    }
    auto loaded = kube::Kubeconfig::load(demo.process.kubeconfigPath().toStdString());
    auto connection = std::get<kube::Kubeconfig>(loaded).connection();
    demo.connection = std::get<kube::ClusterConnection>(connection);
    demo.cacheDir = demo.process.workDir() + QStringLiteral("/kubecache");
    return true;
}

// Sends count requests, at most 32 at a time, and waits for all; returns the first error.
std::string sendAll(int count, const std::function<void(int, kube::JsonCallback)>& send)
{
    std::mutex mutex;
    std::condition_variable changed;
    int next = 0;
    int done = 0;
    std::string error;
    std::function<void(int)> start = [&](int i) {
        send(i, [&](const kube::JsonResult& result) {
            std::lock_guard lock(mutex);
            ++done;
            if (result.error && error.empty())
                error = result.error.describe();
            changed.notify_all();
        });
    };
    std::unique_lock lock(mutex);
    for (;;) {
        while (next < count && next - done < 32) {
            const int i = next++;
            lock.unlock();
            start(i);
            lock.lock();
        }
        if (done == count)
            return error;
        changed.wait(lock);
    }
}

void benchList(Demo& demo, int pods)
{
    std::printf("(b) LIST of %d pods from the demo cluster\n", pods);
    kube::KubeClient client(demo.connection, Inline, kube::ClientOptions{0, 1});
    const auto created = Clock::now();
    json body = pod(0, "");
    body["metadata"].erase("resourceVersion");
    body["metadata"].erase("uid");
    body["metadata"]["namespace"] = "default";
    body["metadata"]["labels"] = {{"app", "bench"}}; // nothing the demo cluster's controllers own
    const std::string error = sendAll(pods, [&](int i, kube::JsonCallback done) {
        body["metadata"]["name"] = "bench-" + std::to_string(i);
        client.create("/api/v1/namespaces/default/pods", body.dump(), std::move(done));
    });
    if (!error.empty()) {
        std::printf("    creating the pods failed: %s\n", error.c_str());
        return;
    }
    std::printf("    created in %.0f ms\n", msSince(created));

    const auto listAll = [&](int limit) {
        long items = 0;
        std::string continueToken;
        std::string failure;
        const auto start = Clock::now();
        do {
            Latch page;
            std::string path = "/api/v1/namespaces/default/pods";
            if (limit > 0)
                path += "?limit=" + std::to_string(limit) + (continueToken.empty() ? "" : "&continue=" + urlEncode(continueToken));
            client.list(path, [&](kube::ListResult result) {
                items += long(result.items.size());
                continueToken = result.continueToken;
                if (result.error)
                    failure = result.error.describe();
                page.release();
            });
            page.wait();
        } while (limit > 0 && !continueToken.empty() && failure.empty());
        const double ms = msSince(start);
        if (!failure.empty())
            std::printf("    list failed: %s\n", failure.c_str());
        return std::make_pair(ms, items);
    };
    listAll(500); // warm-up
    const auto [paged, pagedItems] = listAll(500);
    const auto [whole, wholeItems] = listAll(0);
    std::printf("    MeshDeck, pages of 500:  %6.0f ms for %ld pods (%.0f pods/s)\n", paged, pagedItems, pagedItems / paged * 1000);
    std::printf("    MeshDeck, one request:   %6.0f ms for %ld pods\n", whole, wholeItems);
    if (QFile::exists(Kubectl)) {
        const double theirs = runKubectl(demo.process.kubeconfigPath(), demo.cacheDir,
                                         {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                                          QStringLiteral("default"), QStringLiteral("-o"), QStringLiteral("json")});
        std::printf("    kubectl get pods -o json (pages of 500): %6.0f ms (MeshDeck paged is %.1fx faster)\n", theirs,
                    theirs / paged);
    }
}

void benchPatch(Demo& demo, int patches)
{
    std::printf("(c) PATCH round trip on loopback (demo cluster, TLS, bearer token), %d sequential patches\n", patches);
    kube::KubeClient client(demo.connection, Inline, kube::ClientOptions{0, 1});
    const std::string path = kube::kinds::VirtualServices.objectPath("bookinfo", "reviews");
    std::vector<double> samples;
    for (int i = -20; i < patches; ++i) { // the first 20 warm up the connection
        Latch done;
        std::string error;
        const std::string body = R"({"metadata":{"labels":{"bench":")" + std::to_string(i + 100) + R"("}}})";
        const auto start = Clock::now();
        client.patch(path, kube::PatchType::Merge, body, [&](kube::JsonResult result) {
            if (result.error)
                error = result.error.describe();
            done.release();
        });
        done.wait();
        const double ms = msSince(start);
        if (!error.empty()) {
            std::printf("    patch failed: %s\n", error.c_str());
            return;
        }
        if (i >= 0)
            samples.push_back(ms);
    }
    std::printf("    MeshDeck: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n", percentile(samples, 0.5), percentile(samples, 0.95),
                *std::max_element(samples.begin(), samples.end()));
    if (!QFile::exists(Kubectl))
        return;
    std::vector<double> theirs;
    for (int i = 0; i < 21; ++i) {
        const double ms = runKubectl(demo.process.kubeconfigPath(), demo.cacheDir,
                                     {QStringLiteral("patch"), QStringLiteral("virtualservice"), QStringLiteral("reviews"),
                                      QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("--type"),
                                      QStringLiteral("merge"), QStringLiteral("-p"),
                                      QStringLiteral(R"({"metadata":{"labels":{"bench":"k%1"}}})").arg(i)});
        if (ms < 0)
            return;
        if (i > 0) // the first fills kubectl's discovery cache
            theirs.push_back(ms);
    }
    std::printf("    kubectl patch (a process per change, as an operator runs it): p50 %.0f ms, p95 %.0f ms\n",
                percentile(theirs, 0.5), percentile(theirs, 0.95));
    std::printf("    ratio at p50: MeshDeck is %.0fx faster\n", percentile(theirs, 0.5) / percentile(samples, 0.5));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int events = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int pods = argc > 2 ? std::atoi(argv[2]) : 10000;
    const int patches = argc > 3 ? std::atoi(argv[3]) : 500;
    benchWatch(events);
    Demo demo;
    if (!startDemo(demo))
        return 1;
    benchPatch(demo, patches);
    benchList(demo, pods);
    return 0;
}
