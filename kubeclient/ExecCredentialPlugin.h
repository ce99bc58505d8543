// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "CredentialSource.h"
#include "ExecConfig.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kube {

// A client-go exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin, ...).
// The plugin runs on a thread of this object, one run at a time however many requests wait, with
// a timeout. Its credential is cached until its expirationTimestamp, or until the server rejects it.
class ExecCredentialPlugin final : public CredentialSource {
public:
    static constexpr std::chrono::milliseconds DefaultTimeout{60000};

    // userName names the kubeconfig user in error messages.
    ExecCredentialPlugin(ExecConfig config, std::string userName, std::chrono::milliseconds timeout = DefaultTimeout);
    ~ExecCredentialPlugin() override; // stops a running plugin (kills it) and joins the thread
    ExecCredentialPlugin(const ExecCredentialPlugin&) = delete;
    ExecCredentialPlugin& operator=(const ExecCredentialPlugin&) = delete;

    // Why this configuration cannot work in MeshDeck at all (unknown apiVersion, no command,
    // interactiveMode Always without a terminal); nullopt when it can.
    static std::optional<std::string> validate(const ExecConfig& config);

    // KUBERNETES_EXEC_INFO as client-go sets it: spec.interactive false, spec.cluster only with
    // provideClusterInfo.
    static std::string execInfo(const ExecConfig& config);

    // Reads the plugin's stdout. Errors never quote it: it holds secrets.
    static CredentialResult parseOutput(const std::string& apiVersion, const std::string& output);

    void fetch(Callback done) override;
    void invalidate(const std::shared_ptr<const Credential>& rejected) override;

private:
    void runLoop();
    CredentialResult runPlugin();
    std::string describeCommand() const;

    const ExecConfig m_config;
    const std::string m_userName;
    const std::chrono::milliseconds m_timeout;
    int m_abortPipe[2] = {-1, -1}; // written to by the destructor to cut a running plugin short

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::shared_ptr<const Credential> m_cached;
    std::vector<Callback> m_waiting;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace kube
