// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "AdmissionValidator.h"
#include "ApiServer.h"
#include "Authenticator.h"
#include "CommandLineOptions.h"
#include "IstioMetrics.h"
#include "ObjectStore.h"
#include "PrometheusProxy.h"

#include <memory>
#include <string>
#include <thread>

namespace democluster {

class ApiListener;
class MetricsListener;
class PrometheusProcess;
class TempDirectory;
class TlsCredentials;

// Composition: the store and its starting state, the simulator and controllers on a real-time
// thread, the HTTPS API, the metrics endpoint and the Prometheus child.
class DemoCluster {
public:
    static constexpr const char* AdminUser = "meshdeck-admin";
    // May only get, list and watch: for rehearsing what MeshDeck shows a read-only operator.
    static constexpr const char* ViewerUser = "meshdeck-viewer";
    // Bound in the bookinfo namespace only (Authorizer::OperatorGroup): for rehearsing what MeshDeck
    // shows a team that may not see the rest of the cluster.
    static constexpr const char* BookinfoUser = "meshdeck-bookinfo";

    explicit DemoCluster(CommandLineOptions options);
    ~DemoCluster();
    DemoCluster(const DemoCluster&) = delete;
    DemoCluster& operator=(const DemoCluster&) = delete;

    // Brings everything up, writes the kubeconfig and returns the ready line. With Prometheus, ready
    // means it has scraped the sidecars twice, so rates answer (about 7 s, most of it Prometheus'
    // own delay before its first scrape). Call it from the main thread (see
    // PrometheusProcess::start). Throws std::runtime_error.
    std::string start();
    // Stops serving, stops the Prometheus child and removes temporary files. Idempotent.
    void stop();

private:
    void runBackground(std::stop_token stop);

    CommandLineOptions m_options;
    ObjectStore m_store;
    Authenticator m_authenticator;
    PrometheusProxy m_prometheusProxy;
    AdmissionValidator m_admission;
    ApiServer m_api;
    IstioMetrics m_metrics;
    std::unique_ptr<TlsCredentials> m_tls;
    std::unique_ptr<ApiListener> m_apiListener;
    std::unique_ptr<MetricsListener> m_metricsListener;
    std::unique_ptr<TempDirectory> m_workDir;
    std::unique_ptr<PrometheusProcess> m_prometheus;
    std::jthread m_background;
};

} // namespace democluster
