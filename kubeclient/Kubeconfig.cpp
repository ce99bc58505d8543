// SPDX-License-Identifier: Apache-2.0
#include "Kubeconfig.h"

#include "ExecCredentialPlugin.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace kube {

namespace {

// Thrown inside the parser only; load() turns it into a KubeconfigError. The message already names
// the entry and, where yaml-cpp knows it, the line.
struct ParseFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string at(const YAML::Mark& mark)
{
    if (mark.is_null() || mark.line < 0)
        return {};
    // yaml-cpp counts from 0; editors count from 1.
    return " (line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) + ")";
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::optional<std::string> decodeBase64(const std::string& text)
{
    static constexpr std::array<signed char, 256> Table = [] {
        std::array<signed char, 256> table{};
        table.fill(-1);
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            table[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
        return table;
    }();

    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned int buffer = 0;
    int bits = 0;
    bool padding = false;
    for (unsigned char c : text) {
        // Wrapped base64 (line breaks every 64 or 76 characters) is common in hand-edited files.
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
            continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        const int value = Table[c];
        if (value < 0 || padding)
            return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned int>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    // Six leftover bits cannot come from any byte sequence: the input was cut.
    if (bits >= 6)
        return std::nullopt;
    return out;
}

std::optional<std::string> readFile(const std::string& path, std::string& error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return content.str();
}

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

} // namespace

// Reads one file into a Kubeconfig. Every entry is self-contained (absolute paths, its source file)
// and references between entries are checked only in connection(), so a later KUBECONFIG merge can
// combine parsed files with client-go's first-definition-wins rule without re-reading anything.
class KubeconfigParser {
public:
    explicit KubeconfigParser(const std::string& path)
        : m_path(path)
        , m_folder(std::filesystem::absolute(path).parent_path())
    {
    }

    Kubeconfig parse(const YAML::Node& root)
    {
        Kubeconfig config;
        config.m_file = m_path;
        config.m_files = {m_path};
        // An empty file is a valid, empty kubeconfig for kubectl (it happens after `touch`).
        if (!root || root.IsNull())
            return config;
        if (!root.IsMap())
            throw ParseFailure("the top level is not a mapping of clusters, users and contexts" + at(root.Mark()));

        config.m_currentContext = text(root, "current-context", "current-context");
        if (!config.m_currentContext.empty())
            config.m_currentContextSource = m_path;
        forEachEntry(root, "clusters", "cluster", [&](const std::string& name, const YAML::Node& node) {
            config.m_clusters.push_back(parseCluster(name, node));
        });
        forEachEntry(root, "users", "user", [&](const std::string& name, const YAML::Node& node) {
            config.m_users.push_back(parseUser(name, node));
        });
        forEachEntry(root, "contexts", "context", [&](const std::string& name, const YAML::Node& node) {
            const std::string where = "context " + quoted(name);
            std::string ns = text(node, "namespace", where);
            config.m_contexts.push_back({name, text(node, "cluster", where), text(node, "user", where),
                                         ns.empty() ? "default" : ns, m_path});
        });
        return config;
    }

private:
    // A string field; absent or null reads as empty, as in client-go.
    static std::string text(const YAML::Node& parent, const char* key, const std::string& where)
    {
        const YAML::Node node = parent[key];
        if (!node || node.IsNull())
            return {};
        if (!node.IsScalar())
            throw ParseFailure(where + ": " + key + " must be a string" + at(node.Mark()));
        return node.Scalar();
    }

    static bool flag(const YAML::Node& parent, const char* key, const std::string& where)
    {
        const YAML::Node node = parent[key];
        if (!node || node.IsNull())
            return false;
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
            throw ParseFailure(where + ": " + key + " must be true or false" + at(node.Mark()));
        return value;
    }

    // `*-data` fields are base64 of PEM; a kubeconfig never holds raw PEM there.
    static std::string base64Field(const YAML::Node& parent, const char* key, const std::string& where)
    {
        const std::string encoded = text(parent, key, where);
        if (encoded.empty())
            return {};
        auto decoded = decodeBase64(encoded);
        if (!decoded)
            throw ParseFailure(where + ": " + key + " is not valid base64" + at(parent[key].Mark()));
        return *decoded;
    }

    std::string pathField(const YAML::Node& parent, const char* key, const std::string& where) const
    {
        const std::string value = text(parent, key, where);
        if (value.empty())
            return {};
        const std::filesystem::path path(value);
        return (path.is_absolute() ? path : m_folder / path).lexically_normal().string();
    }

    // clusters, users and contexts share one shape: a list of {name: N, <kind>: {...}}.
    template <typename Handler>
    static void forEachEntry(const YAML::Node& root, const char* listKey, const char* kind, Handler&& handle)
    {
        const YAML::Node list = root[listKey];
        if (!list || list.IsNull())
            return;
        if (!list.IsSequence())
            throw ParseFailure(std::string(listKey) + " must be a list" + at(list.Mark()));
        std::vector<std::string> seen;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node entry = list[i];
            const std::string where = std::string(listKey) + "[" + std::to_string(i) + "]";
            if (!entry.IsMap())
                throw ParseFailure(where + " must be a mapping with a name and a " + kind + at(entry.Mark()));
            const std::string name = text(entry, "name", where);
            if (name.empty())
                throw ParseFailure(where + " has no name" + at(entry.Mark()));
            // client-go refuses a file that defines a name twice rather than guessing which one counts.
            if (std::find(seen.begin(), seen.end(), name) != seen.end())
                throw ParseFailure(std::string(kind) + " " + quoted(name) + " is defined twice" + at(entry.Mark()));
            seen.push_back(name);
            const YAML::Node body = entry[kind];
            if (body && !body.IsNull() && !body.IsMap())
                throw ParseFailure(std::string(kind) + " " + quoted(name) + ": " + kind + " must be a mapping" +
                                   at(body.Mark()));
            // A missing body is an empty entry: kubectl complains only when it is used.
            handle(name, body ? body : YAML::Node(YAML::NodeType::Map));
        }
    }

    Kubeconfig::Cluster parseCluster(const std::string& name, const YAML::Node& node) const
    {
        const std::string where = "cluster " + quoted(name);
        Kubeconfig::Cluster cluster;
        cluster.name = name;
        cluster.source = m_path;
        cluster.server = text(node, "server", where);
        cluster.caPem = base64Field(node, "certificate-authority-data", where);
        cluster.caFile = pathField(node, "certificate-authority", where);
        cluster.tlsServerName = text(node, "tls-server-name", where);
        cluster.insecureSkipTlsVerify = flag(node, "insecure-skip-tls-verify", where);
        cluster.proxyUrl = text(node, "proxy-url", where);
        return cluster;
    }

    Kubeconfig::User parseUser(const std::string& name, const YAML::Node& node) const
    {
        const std::string where = "user " + quoted(name);
        Kubeconfig::User user;
        user.name = name;
        user.source = m_path;
        user.token = text(node, "token", where);
        user.tokenFile = pathField(node, "tokenFile", where);
        user.clientCertPem = base64Field(node, "client-certificate-data", where);
        user.clientCertFile = pathField(node, "client-certificate", where);
        user.clientKeyPem = base64Field(node, "client-key-data", where);
        user.clientKeyFile = pathField(node, "client-key", where);
        if (const YAML::Node exec = node["exec"]; exec && !exec.IsNull())
            user.exec = parseExec(exec, where + ": exec", user.execProblem);
        if (const YAML::Node provider = node["auth-provider"]; provider && !provider.IsNull()) {
            const std::string providerWhere = where + ": auth-provider";
            if (!provider.IsMap())
                throw ParseFailure(providerWhere + " must be a mapping" + at(provider.Mark()));
            user.authProvider = text(provider, "name", providerWhere);
            if (const YAML::Node config = provider["config"]; config && config.IsMap())
                user.idToken = text(config, "id-token", providerWhere + ": config");
        }
        return user;
    }

    // Shapes are checked here; what makes the plugin unusable (a missing interactiveMode for v1,
    // an unknown mode) goes to `problem` and is reported only when a context uses this user, as
    // client-go validates only the context in use.
    ExecConfig parseExec(const YAML::Node& node, const std::string& where, std::string& problem) const
    {
        if (!node.IsMap())
            throw ParseFailure(where + " must be a mapping" + at(node.Mark()));
        ExecConfig exec;
        exec.apiVersion = text(node, "apiVersion", where);
        exec.command = text(node, "command", where);
        // client-go resolves the command against the file's folder only when it is a path, not a
        // name to look up in PATH.
        if (exec.command.find('/') != std::string::npos)
            exec.command = pathField(node, "command", where);
        if (const YAML::Node args = node["args"]; args && !args.IsNull()) {
            if (!args.IsSequence())
                throw ParseFailure(where + ": args must be a list of strings" + at(args.Mark()));
            for (const YAML::Node& arg : args) {
                if (!arg.IsScalar())
                    throw ParseFailure(where + ": args must be a list of strings" + at(arg.Mark()));
                exec.args.push_back(arg.Scalar());
            }
        }
        if (const YAML::Node env = node["env"]; env && !env.IsNull()) {
            if (!env.IsSequence())
                throw ParseFailure(where + ": env must be a list of name/value pairs" + at(env.Mark()));
            for (const YAML::Node& pair : env) {
                if (!pair.IsMap())
                    throw ParseFailure(where + ": env must be a list of name/value pairs" + at(pair.Mark()));
                const std::string name = text(pair, "name", where + ": env");
                if (name.empty())
                    throw ParseFailure(where + ": an env entry has no name" + at(pair.Mark()));
                exec.env.emplace_back(name, text(pair, "value", where + ": env " + quoted(name)));
            }
        }
        exec.installHint = text(node, "installHint", where);
        exec.provideClusterInfo = flag(node, "provideClusterInfo", where);
        const std::string mode = text(node, "interactiveMode", where);
        if (mode == "Never")
            exec.interactiveMode = ExecConfig::InteractiveMode::Never;
        else if (mode == "Always")
            exec.interactiveMode = ExecConfig::InteractiveMode::Always;
        else if (mode == "IfAvailable" || (mode.empty() && exec.apiVersion != "client.authentication.k8s.io/v1"))
            exec.interactiveMode = ExecConfig::InteractiveMode::IfAvailable; // v1beta1's default
        else if (mode.empty())
            problem = "exec: interactiveMode must be set for client.authentication.k8s.io/v1 (Never, IfAvailable or Always)";
        else
            problem = "exec: interactiveMode " + quoted(mode) + " is not one of Never, IfAvailable, Always";
        return exec;
    }

    std::string m_path;
    std::filesystem::path m_folder;
};

std::variant<Kubeconfig, KubeconfigError> Kubeconfig::load(const std::string& path)
{
    std::string readError;
    const auto content = readFile(path, readError);
    if (!content)
        return KubeconfigError{path, "cannot read the file: " + readError};
    return parse(*content, path);
}

std::variant<Kubeconfig, KubeconfigError> Kubeconfig::parse(const std::string& content, const std::string& path)
{
    try {
        return KubeconfigParser(path).parse(YAML::Load(content));
    } catch (const YAML::Exception& e) {
        // e.msg is yaml-cpp's text without its own position prefix; we add the 1-based position.
        return KubeconfigError{path, "YAML syntax error: " + e.msg + at(e.mark)};
    } catch (const ParseFailure& e) {
        return KubeconfigError{path, e.what()};
    }
}

std::variant<Kubeconfig, KubeconfigError> Kubeconfig::loadMerged(const std::vector<std::string>& files)
{
    std::vector<std::string> unique;
    for (const auto& file : files) {
        if (!file.empty() && std::find(unique.begin(), unique.end(), file) == unique.end())
            unique.push_back(file);
    }
    if (unique.empty())
        return KubeconfigError{{}, "no kubeconfig file was given"};

    std::optional<Kubeconfig> merged;
    for (const auto& file : unique) {
        std::error_code error;
        // kubectl skips files of $KUBECONFIG that do not exist (yet); anything else must load.
        if (!std::filesystem::exists(file, error) && !error)
            continue;
        auto loaded = load(file);
        if (auto* failure = std::get_if<KubeconfigError>(&loaded))
            return std::move(*failure);
        if (!merged)
            merged = std::get<Kubeconfig>(std::move(loaded));
        else
            merged->mergeFrom(std::get<Kubeconfig>(std::move(loaded)));
    }
    if (!merged) {
        if (unique.size() == 1)
            return load(unique.front());
        std::string list;
        for (const auto& file : unique)
            list += (list.empty() ? "" : ", ") + quoted(file);
        return KubeconfigError{unique.front(), "none of the kubeconfig files exists: " + list};
    }
    return std::move(*merged);
}

std::variant<Kubeconfig, KubeconfigError> Kubeconfig::loadDefault(const std::string& explicitPath)
{
    // An explicit --kubeconfig is loaded alone, and must exist, as in kubectl.
    if (!explicitPath.empty())
        return load(explicitPath);
    return loadMerged(defaultFiles());
}

std::vector<std::string> Kubeconfig::defaultFiles()
{
    std::vector<std::string> files;
    if (const char* list = std::getenv("KUBECONFIG"); list && *list) {
        std::string_view entries(list);
        for (;;) {
            const auto colon = entries.find(':');
            const std::string entry(entries.substr(0, colon));
            if (!entry.empty() && std::find(files.begin(), files.end(), entry) == files.end())
                files.push_back(entry);
            if (colon == std::string_view::npos)
                break;
            entries.remove_prefix(colon + 1);
        }
    }
    if (files.empty()) {
        const char* home = std::getenv("HOME");
        files.push_back(std::string(home ? home : "") + "/.kube/config");
    }
    return files;
}

std::string Kubeconfig::defaultPath()
{
    return defaultFiles().front();
}

void Kubeconfig::mergeFrom(Kubeconfig&& later)
{
    // First definition wins, whole: a later entry of the same name is dropped even where it has
    // fields the first one lacks.
    const auto mergeList = [](auto& into, auto& from) {
        for (auto& entry : from) {
            const bool known =
                std::any_of(into.begin(), into.end(), [&](const auto& existing) { return existing.name == entry.name; });
            if (!known)
                into.push_back(std::move(entry));
        }
    };
    mergeList(m_clusters, later.m_clusters);
    mergeList(m_users, later.m_users);
    mergeList(m_contexts, later.m_contexts);
    if (m_currentContext.empty()) {
        m_currentContext = std::move(later.m_currentContext);
        m_currentContextSource = std::move(later.m_currentContextSource);
    }
    m_files.insert(m_files.end(), later.m_files.begin(), later.m_files.end());
}

const Kubeconfig::Cluster* Kubeconfig::findCluster(const std::string& name) const
{
    const auto it = std::find_if(m_clusters.begin(), m_clusters.end(), [&](const Cluster& c) { return c.name == name; });
    return it == m_clusters.end() ? nullptr : &*it;
}

const Kubeconfig::User* Kubeconfig::findUser(const std::string& name) const
{
    const auto it = std::find_if(m_users.begin(), m_users.end(), [&](const User& u) { return u.name == name; });
    return it == m_users.end() ? nullptr : &*it;
}

std::optional<ExecConfig> Kubeconfig::execConfig(const std::string& userName) const
{
    const User* user = findUser(userName);
    return user ? user->exec : std::nullopt;
}

std::variant<ClusterConnection, KubeconfigError> Kubeconfig::connection(const std::string& contextName) const
{
    // Credentials and certificates named by path are read now, not at load, so they are fresh.
    const auto read = [](const std::string& file, const std::string& what, std::string& out) -> std::optional<std::string> {
        std::string error;
        auto content = readFile(file, error);
        if (!content)
            return what + " " + quoted(file) + " cannot be read: " + error;
        out = std::move(*content);
        return std::nullopt;
    };

    const std::string name = contextName.empty() ? m_currentContext : contextName;
    if (name.empty())
        return KubeconfigError{m_file, "no context was chosen and current-context is not set"};
    const auto context =
        std::find_if(m_contexts.begin(), m_contexts.end(), [&](const Context& c) { return c.name == name; });
    if (context == m_contexts.end()) {
        if (contextName.empty())
            return KubeconfigError{m_currentContextSource, "current-context " + quoted(name) + " is not defined"};
        return KubeconfigError{m_file, "context " + quoted(name) + " is not defined"};
    }

    const auto fail = [&context](std::string message) { return KubeconfigError{context->source, std::move(message)}; };
    const std::string where = "context " + quoted(name);
    if (context->cluster.empty())
        return fail(where + " names no cluster");
    const Cluster* cluster = findCluster(context->cluster);
    if (!cluster)
        return fail(where + " refers to cluster " + quoted(context->cluster) + " which is not defined");
    // A context without a user is anonymous access, which kubectl allows.
    const User* user = nullptr;
    if (!context->user.empty()) {
        user = findUser(context->user);
        if (!user)
            return fail(where + " refers to user " + quoted(context->user) + " which is not defined");
    }

    ClusterConnection conn;
    conn.contextName = context->name;
    conn.clusterName = cluster->name;
    conn.userName = context->user;
    conn.namespaceName = context->namespaceName;

    conn.server = cluster->server;
    if (conn.server.empty())
        return KubeconfigError{cluster->source, "cluster " + quoted(cluster->name) + " has no server"};
    // client-go assumes https for a bare host:port.
    if (conn.server.find("://") == std::string::npos)
        conn.server = "https://" + conn.server;
    while (conn.server.size() > 1 && conn.server.back() == '/')
        conn.server.pop_back();
    conn.tlsServerName = cluster->tlsServerName;
    conn.insecureSkipTlsVerify = cluster->insecureSkipTlsVerify;
    conn.proxyUrl = cluster->proxyUrl;
    // The -data field wins over the path, as in client-go.
    conn.caPem = cluster->caPem;
    if (conn.caPem.empty() && !cluster->caFile.empty()) {
        if (auto error = read(cluster->caFile, "certificate-authority", conn.caPem))
            return KubeconfigError{cluster->source, "cluster " + quoted(cluster->name) + ": " + *error};
    }

    if (!user)
        return conn;
    const auto userFail = [user](const std::string& message) {
        return KubeconfigError{user->source, "user " + quoted(user->name) + ": " + message};
    };

    if (user->exec) {
        if (!user->authProvider.empty())
            return userFail("exec and auth-provider cannot be used together");
        if (!user->execProblem.empty())
            return userFail(user->execProblem);
        if (auto invalid = ExecCredentialPlugin::validate(*user->exec))
            return userFail(*invalid);
        ExecConfig exec = *user->exec;
        exec.cluster = {conn.server, conn.tlsServerName, conn.insecureSkipTlsVerify, conn.caPem, conn.proxyUrl};
        conn.credentials = std::make_shared<ExecCredentialPlugin>(std::move(exec), user->name);
        return conn;
    }
    if (!user->authProvider.empty()) {
        // client-go dropped its built-in providers except oidc; an oidc login helper has usually
        // left a current id-token behind, which is a bearer token like any other.
        if (user->authProvider != "oidc")
            return userFail("auth-provider " + quoted(user->authProvider) +
                            " was removed from kubectl (1.26); use the exec credential plugin your provider documents");
        if (user->idToken.empty())
            return userFail("auth-provider \"oidc\" has no id-token stored; log in with your OIDC tool first");
        conn.bearerToken = user->idToken;
        return conn;
    }

    conn.bearerToken = user->token;
    // client-go prefers tokenFile (it is what rotates) and falls back to the inline token.
    if (!user->tokenFile.empty()) {
        std::string content;
        if (auto error = read(user->tokenFile, "tokenFile", content); error && user->token.empty())
            return userFail(*error);
        else if (!error)
            conn.bearerToken = trimmed(content);
    }
    conn.clientCertPem = user->clientCertPem;
    if (conn.clientCertPem.empty() && !user->clientCertFile.empty()) {
        if (auto error = read(user->clientCertFile, "client-certificate", conn.clientCertPem))
            return userFail(*error);
    }
    conn.clientKeyPem = user->clientKeyPem;
    if (conn.clientKeyPem.empty() && !user->clientKeyFile.empty()) {
        if (auto error = read(user->clientKeyFile, "client-key", conn.clientKeyPem))
            return userFail(*error);
    }
    if (conn.clientCertPem.empty() != conn.clientKeyPem.empty())
        return userFail(conn.clientCertPem.empty() ? "a client key is set but no client certificate"
                                                   : "a client certificate is set but no client key");
    return conn;
}

} // namespace kube
