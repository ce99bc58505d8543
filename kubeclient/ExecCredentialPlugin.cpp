// SPDX-License-Identifier: Apache-2.0
#include "ExecCredentialPlugin.h"

#include "ProcessRunner.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace kube {

namespace {

using nlohmann::json;

constexpr const char* V1 = "client.authentication.k8s.io/v1";
constexpr const char* V1beta1 = "client.authentication.k8s.io/v1beta1";
// What of the plugin's stderr an error message shows: the end, where tools print the cause.
constexpr std::size_t MaxStderrShown = 2000;

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string base64(const std::string& bytes)
{
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
        out += {Alphabet[v >> 18], Alphabet[(v >> 12) & 63], Alphabet[(v >> 6) & 63], Alphabet[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = (unsigned char)bytes[i] << 16;
        out += {Alphabet[v >> 18], Alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
        out += {Alphabet[v >> 18], Alphabet[(v >> 12) & 63], Alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

// RFC 3339 as Go's metav1.Time writes it ("2024-05-01T12:00:00Z"), also with fractional seconds
// and numeric offsets, which other tools print.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string& text)
{
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed == 0)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::size_t pos = std::size_t(consumed);
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
    }
    long offsetSeconds = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int hours = 0, minutes = 0;
        if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &hours, &minutes) != 2)
            return std::nullopt;
        offsetSeconds = (text[pos] == '+' ? 1 : -1) * (hours * 3600L + minutes * 60L);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;
    const std::time_t utc = ::timegm(&tm);
    if (utc == -1)
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(utc - offsetSeconds);
}

std::string tail(const std::string& text)
{
    const auto last = text.find_last_not_of(" \t\r\n");
    if (last == std::string::npos)
        return {};
    std::string trimmed = text.substr(0, last + 1);
    if (trimmed.size() <= MaxStderrShown)
        return trimmed;
    return "…" + trimmed.substr(trimmed.size() - MaxStderrShown);
}

} // namespace

ExecCredentialPlugin::ExecCredentialPlugin(ExecConfig config, std::string userName, std::chrono::milliseconds timeout)
    : m_config(std::move(config))
    , m_userName(std::move(userName))
    , m_timeout(timeout)
{
    if (::pipe2(m_abortPipe, O_CLOEXEC) != 0)
        m_abortPipe[0] = m_abortPipe[1] = -1;
}

ExecCredentialPlugin::~ExecCredentialPlugin()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_abortPipe[1] >= 0) {
        const char byte = 0;
        [[maybe_unused]] const auto written = ::write(m_abortPipe[1], &byte, 1);
    }
    if (m_thread.joinable())
        m_thread.join();
    for (int fd : m_abortPipe) {
        if (fd >= 0)
            ::close(fd);
    }
}

std::optional<std::string> ExecCredentialPlugin::validate(const ExecConfig& config)
{
    if (config.command.empty())
        return std::string("exec: command is missing");
    if (config.apiVersion.empty())
        return std::string("exec: apiVersion is missing (") + V1 + " or " + V1beta1 + ")";
    if (config.apiVersion != V1 && config.apiVersion != V1beta1)
        return "exec: apiVersion " + quoted(config.apiVersion) + " is not supported (" + V1 + " or " + V1beta1 + ")";
    // A desktop application has no terminal on stdin, exactly like kubectl run from a script.
    if (config.interactiveMode == ExecConfig::InteractiveMode::Always)
        return "exec: the credential plugin " + quoted(config.command) +
               " needs an interactive terminal (interactiveMode: Always), which MeshDeck does not have; "
               "log in with it from a terminal first, or use a plugin mode that works without one";
    return std::nullopt;
}

std::string ExecCredentialPlugin::execInfo(const ExecConfig& config)
{
    json spec = {{"interactive", false}};
    if (config.provideClusterInfo) {
        // Field names and omitted empties as in client-go's clientauthentication Cluster.
        json cluster = {{"server", config.cluster.server}};
        if (!config.cluster.tlsServerName.empty())
            cluster["tls-server-name"] = config.cluster.tlsServerName;
        if (config.cluster.insecureSkipTlsVerify)
            cluster["insecure-skip-tls-verify"] = true;
        if (!config.cluster.caPem.empty())
            cluster["certificate-authority-data"] = base64(config.cluster.caPem);
        if (!config.cluster.proxyUrl.empty())
            cluster["proxy-url"] = config.cluster.proxyUrl;
        spec["cluster"] = std::move(cluster);
    }
    return json{{"apiVersion", config.apiVersion}, {"kind", "ExecCredential"}, {"spec", std::move(spec)}}.dump();
}

CredentialResult ExecCredentialPlugin::parseOutput(const std::string& apiVersion, const std::string& output)
{
    const auto fail = [](std::string why) { return CredentialResult{nullptr, "its answer is not usable: " + why}; };
    const json reply = json::parse(output, nullptr, false);
    if (!reply.is_object())
        return fail("it is not a JSON object");
    const auto text = [](const json& object, const char* key) {
        const auto it = object.find(key);
        return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string replyVersion = text(reply, "apiVersion");
    if (replyVersion != apiVersion)
        return fail("it has apiVersion " + quoted(replyVersion) + " but the kubeconfig asks for " + quoted(apiVersion));
    if (text(reply, "kind") != "ExecCredential")
        return fail("its kind is " + quoted(text(reply, "kind")) + ", not \"ExecCredential\"");
    const auto status = reply.find("status");
    if (status == reply.end() || !status->is_object())
        return fail("it has no status");

    auto credential = std::make_shared<Credential>();
    credential->token = text(*status, "token");
    // Raw PEM here, unlike the base64 -data fields of a kubeconfig.
    credential->clientCertPem = text(*status, "clientCertificateData");
    credential->clientKeyPem = text(*status, "clientKeyData");
    if (credential->clientCertPem.empty() != credential->clientKeyPem.empty())
        return fail("it has a client certificate or key but not both");
    if (credential->token.empty() && credential->clientCertPem.empty())
        return fail("it has neither a token nor a client certificate and key");
    if (const std::string expiry = text(*status, "expirationTimestamp"); !expiry.empty()) {
        credential->expiry = parseRfc3339(expiry);
        if (!credential->expiry)
            return fail("expirationTimestamp " + quoted(expiry) + " is not an RFC 3339 time");
    }
    return {std::move(credential), {}};
}

void ExecCredentialPlugin::fetch(Callback done)
{
    std::shared_ptr<const Credential> cached;
    {
        std::lock_guard lock(m_mutex);
        if (m_cached && !m_cached->expired(std::chrono::system_clock::now()))
            cached = m_cached;
        else
            m_waiting.push_back(std::move(done));
        // Started on first need: resolving a context for display must not cost a thread.
        if (!cached && !m_thread.joinable())
            m_thread = std::thread([this] { runLoop(); });
    }
    if (cached)
        done({std::move(cached), {}});
    else
        m_wake.notify_one();
}

void ExecCredentialPlugin::invalidate(const std::shared_ptr<const Credential>& rejected)
{
    std::lock_guard lock(m_mutex);
    if (m_cached == rejected)
        m_cached.reset();
}

void ExecCredentialPlugin::runLoop()
{
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_waiting.empty(); });
            if (m_stopping)
                return;
        }
        CredentialResult result = runPlugin();
        std::vector<Callback> waiting;
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return;
            if (result.credential)
                m_cached = result.credential;
            // Everyone who asked while it ran gets this answer: one run serves them all.
            waiting.swap(m_waiting);
        }
        for (auto& done : waiting)
            done(result);
    }
}

std::string ExecCredentialPlugin::describeCommand() const
{
    return "the exec credential plugin " + quoted(m_config.command) + " of user " + quoted(m_userName);
}

CredentialResult ExecCredentialPlugin::runPlugin()
{
    if (auto invalid = validate(m_config))
        return {nullptr, "user " + quoted(m_userName) + ": " + *invalid};

    ProcessRunner::Request request;
    request.command = m_config.command;
    request.args = m_config.args;
    request.env = m_config.env;
    request.env.emplace_back("KUBERNETES_EXEC_INFO", execInfo(m_config));
    request.timeout = m_timeout;
    request.abortFd = m_abortPipe[0];
    const ProcessRunner::Result run = ProcessRunner::run(request);

    using Outcome = ProcessRunner::Result::Outcome;
    const std::string stderrText = tail(run.err);
    const std::string withStderr = stderrText.empty() ? std::string() : "; it said: " + stderrText;
    switch (run.outcome) {
    case Outcome::Exited:
        if (run.exitCode != 0)
            return {nullptr, describeCommand() + " failed with exit code " + std::to_string(run.exitCode) + withStderr};
        break;
    case Outcome::NotFound: {
        std::string message = describeCommand() + " is not installed: it was not found";
        if (m_config.command.find('/') == std::string::npos)
            message += " in PATH";
        if (!m_config.installHint.empty())
            message += ". " + m_config.installHint;
        return {nullptr, message};
    }
    case Outcome::SpawnFailed:
        return {nullptr, describeCommand() + " could not be started: " + run.spawnError};
    case Outcome::TimedOut:
        return {nullptr, describeCommand() + " did not finish within " + std::to_string(m_timeout.count()) +
                             " ms and was stopped" + withStderr};
    case Outcome::Aborted:
        return {nullptr, describeCommand() + " was stopped"};
    case Outcome::Signalled:
        return {nullptr, describeCommand() + " was killed by signal " + std::to_string(run.signal) + " (" +
                             strsignal(run.signal) + ")" + withStderr};
    }
    CredentialResult result = parseOutput(m_config.apiVersion, run.out);
    if (!result.credential)
        result.error = describeCommand() + " ran, but " + result.error + withStderr;
    return result;
}

} // namespace kube
