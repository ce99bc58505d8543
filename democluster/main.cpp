// SPDX-License-Identifier: Apache-2.0
// meshdeck-democluster: a Kubernetes API server with a simulated Istio mesh, for demos and tests.

#include "CommandLineOptions.h"
#include "DemoCluster.h"

#include "kubeclient/MallocTuning.h"

#include <csignal>
#include <exception>
#include <iostream>
#include <pthread.h>

int main(int argc, char** argv)
{
    // Each of the ~224 server threads proxies Prometheus answers of tens of MB; with glibc's
    // defaults every thread's arena kept them and the server levelled off at ~1.1 GB (issue 5).
    kube::tuneMallocForLargeAnswers();
    // Block the stop signals before any thread exists, so every thread inherits the mask and the
    // main thread alone receives them through sigwait(). A peer closing its socket mid-write must
    // not kill the server.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    democluster::CommandLineOptions options;
    try {
        options = democluster::CommandLineOptions::parse(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "meshdeck-democluster: " << error.what() << '\n' << democluster::CommandLineOptions::usage();
        return 2;
    }
    if (options.help) {
        std::cout << democluster::CommandLineOptions::usage();
        return 0;
    }

    democluster::DemoCluster cluster(options);
    try {
        std::cout << cluster.start() << std::endl;
    } catch (const std::exception& error) {
        std::cerr << "meshdeck-democluster: error: " << error.what() << std::endl;
        cluster.stop();
        return 1;
    }
    int received = 0;
    sigwait(&stopSignals, &received);
    std::cerr << "meshdeck-democluster: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping" << std::endl;
    cluster.stop();
    return 0;
}
