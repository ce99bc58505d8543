// SPDX-License-Identifier: Apache-2.0
#include "DemoCluster.h"

#include "ApiListener.h"
#include "Authorizer.h"
#include "ClusterBootstrap.h"
#include "DeploymentController.h"
#include "EndpointsController.h"
#include "JobController.h"
#include "KubeconfigWriter.h"
#include "Log.h"
#include "MetricsListener.h"
#include "PrometheusProcess.h"
#include "ResourceRegistry.h"
#include "Scenario.h"
#include "TempDirectory.h"
#include "TlsCredentials.h"
#include "TrafficSimulator.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <random>
#include <stdexcept>
#include <thread>

namespace democluster {

namespace {

// The simulator's tick: fine enough for 1 s scrapes, coarse enough to cost nothing.
constexpr std::chrono::milliseconds Tick{100};
constexpr std::chrono::seconds PrometheusReadyTimeout{30};
// Prometheus looks at its targets only every 5 s after it starts, so the first scrape comes 5 s in
// plus up to one interval (Prometheus spreads targets over it); the second one interval later.
constexpr std::chrono::seconds FirstScrapesSlack{25};

long long millisecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// rate() needs two samples of a counter: until Prometheus has scraped the sidecars twice, every rate
// MeshDeck asks for is empty, and a cluster that calls itself ready then shows a graph without
// numbers. So "ready" waits for two successful scrapes. Throws std::runtime_error naming `logFile`.
void waitForTwoScrapes(int prometheusPort, std::chrono::seconds scrapeInterval, const std::filesystem::path& logFile)
{
    const auto timeout = FirstScrapesSlack + 2 * scrapeInterval;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    httplib::Client client("127.0.0.1", prometheusPort);
    client.set_connection_timeout(1);
    client.set_read_timeout(2);
    const httplib::Params query{{"query", "sum_over_time(up{job=\"istio-mesh\"}[1m]) >= 2"}};
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto result = client.Post("/api/v1/query", query); result && result->status == 200) {
            const auto answer = nlohmann::json::parse(result->body, nullptr, false);
            if (!answer.is_discarded() && !answer["data"]["result"].empty())
                return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("Prometheus did not scrape the simulated sidecars twice in "
                             + std::to_string(timeout.count()) + " s; see " + logFile.string());
}

} // namespace

DemoCluster::DemoCluster(CommandLineOptions options)
    : m_options(std::move(options))
    , m_api(m_store, ResourceRegistry::builtin(), m_authenticator, m_prometheusProxy)
{
}

DemoCluster::~DemoCluster()
{
    stop();
}

std::string DemoCluster::start()
{
    const auto started = std::chrono::steady_clock::now();
    const auto scenarioFile = m_options.resourcesDir / "scenarios" / (m_options.scenario + ".yaml");
    if (!std::filesystem::exists(scenarioFile))
        throw std::runtime_error("unknown scenario \"" + m_options.scenario + "\": " + scenarioFile.string()
                                 + " does not exist (is --resources right?)");
    Scenario scenario = Scenario::load(scenarioFile, m_options.services);
    const std::string meshNamespace = scenario.namespaceName;
    // With a state directory that already holds a cluster, that cluster is the state: seeding
    // again would undo what was changed in it.
    const std::size_t restored = m_options.stateDir.empty() ? 0 : m_store.persistTo(m_options.stateDir);
    if (restored > 0)
        logInfo("restored " + std::to_string(restored) + " objects from " + m_options.stateDir.string());
    else
        ClusterBootstrap(m_store, ResourceRegistry::builtin(), m_admission).seed(scenario, m_options.resourcesDir);

    m_metricsListener = std::make_unique<MetricsListener>(m_metrics);
    const int metricsPort = m_metricsListener->start();
    logInfo("simulated sidecar metrics at http://127.0.0.1:" + std::to_string(metricsPort) + "/metrics");
    m_background = std::jthread([this, scenario = std::move(scenario)](std::stop_token stop) mutable {
        TrafficSimulator simulator(std::move(scenario), m_store, ResourceRegistry::builtin(), m_metrics,
                                   std::random_device{}());
        DeploymentController controller(m_store, ResourceRegistry::builtin());
        JobController jobs(m_store, ResourceRegistry::builtin());
        EndpointsController endpoints(m_store, ResourceRegistry::builtin());
        std::mutex mutex;
        std::condition_variable_any wakeUp;
        auto last = std::chrono::steady_clock::now();
        while (!stop.stop_requested()) {
            // The controllers read what clients wrote; an object they cannot read must not take
            // the cluster down with it.
            for (const auto& reconcile : {std::function<void()>([&] { controller.reconcile(); }),
                                          std::function<void()>([&] { jobs.reconcile(); }),
                                          std::function<void()>([&] { endpoints.reconcile(); })}) {
                try {
                    reconcile();
                } catch (const std::exception& error) {
                    logInfo(std::string("a controller pass failed: ") + error.what());
                }
            }
            const auto now = std::chrono::steady_clock::now();
            simulator.step(std::chrono::duration<double>(now - last).count());
            last = now;
            std::unique_lock lock(mutex);
            wakeUp.wait_for(lock, stop, Tick, [] { return false; });
        }
    });

    // Prometheus first: its first scrape is 5 s away whatever we do, and the API comes up meanwhile.
    std::string prometheusUrl = "off";
    if (m_options.prometheus) {
        m_workDir = std::make_unique<TempDirectory>("meshdeck-democluster");
        m_prometheus = std::make_unique<PrometheusProcess>(PrometheusProcess::DefaultBinary, m_workDir->path(), metricsPort,
                                                           PrometheusProcess::scrapeIntervalFor(m_options.services));
        m_prometheus->start(PrometheusReadyTimeout);
        m_prometheusProxy.setTargetPort(m_prometheus->port());
        prometheusUrl = "http://127.0.0.1:" + std::to_string(m_prometheus->port());
        logInfo("Prometheus answers at " + prometheusUrl + " after " + std::to_string(millisecondsSince(started)) + " ms");
    }

    const std::vector<KubeconfigWriter::Account> accounts = {
        // Like kind's "kind-kind" user for "kubernetes-admin", the kubeconfig's name for the admin
        // entry is not the identity the server knows; clients must ask (SelfSubjectReview).
        {"meshdeck-demo", "meshdeck-demo-admin", Authenticator::generateToken()},
        {"meshdeck-demo-viewer", "meshdeck-demo-viewer", Authenticator::generateToken()},
        {"meshdeck-demo-bookinfo", "meshdeck-demo-bookinfo", Authenticator::generateToken()},
    };
    m_authenticator.addToken(accounts[0].token,
                             UserInfo{AdminUser, {Authorizer::AdminGroup, Authorizer::AuthenticatedGroup}});
    m_authenticator.addToken(accounts[1].token,
                             UserInfo{ViewerUser, {Authorizer::ViewerGroup, Authorizer::AuthenticatedGroup}});
    m_authenticator.addToken(accounts[2].token,
                             UserInfo{BookinfoUser, {Authorizer::OperatorGroup, Authorizer::AuthenticatedGroup}});
    m_tls = std::make_unique<TlsCredentials>(TlsCredentials::generate());
    m_apiListener = std::make_unique<ApiListener>(m_api, *m_tls);
    const int apiPort = m_apiListener->start(m_options.port);
    const std::string serverUrl = "https://127.0.0.1:" + std::to_string(apiPort);

    logInfo("API server at " + serverUrl + " after " + std::to_string(millisecondsSince(started)) + " ms");
    if (m_prometheus) {
        waitForTwoScrapes(m_prometheus->port(), m_prometheus->scrapeInterval(), m_prometheus->logFile());
        logInfo("Prometheus has scraped the sidecars twice after " + std::to_string(millisecondsSince(started)) + " ms");
    }

    KubeconfigWriter::write(m_options.kubeconfigOut, serverUrl, m_tls->caCertificatePem(), accounts, meshNamespace);
    return "meshdeck-democluster: ready server=" + serverUrl + " kubeconfig=" + m_options.kubeconfigOut.string()
           + " prometheus=" + prometheusUrl;
}

void DemoCluster::stop()
{
    m_prometheusProxy.setTargetPort(0);
    if (m_apiListener)
        m_apiListener->stop();
    if (m_background.joinable()) {
        m_background.request_stop();
        m_background.join();
    }
    if (m_metricsListener)
        m_metricsListener->stop();
    if (m_prometheus)
        m_prometheus->stop();
    m_prometheus.reset();
    m_workDir.reset();
}

} // namespace democluster
