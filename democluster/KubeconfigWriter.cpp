// SPDX-License-Identifier: Apache-2.0
#include "KubeconfigWriter.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace democluster {

namespace {

std::string base64(const std::string& data)
{
    std::string encoded(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return encoded;
}

[[noreturn]] void failWith(const std::filesystem::path& path, const char* action)
{
    throw std::runtime_error("cannot " + std::string(action) + " kubeconfig " + path.string() + ": "
                             + std::strerror(errno));
}

} // namespace

std::string KubeconfigWriter::render(const std::string& serverUrl, const std::string& caCertificatePem,
                                     const std::vector<Account>& accounts, const std::string& namespaceName)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "v1";
    out << YAML::Key << "kind" << YAML::Value << "Config";
    out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << ClusterName;
    out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "server" << YAML::Value << serverUrl;
    out << YAML::Key << "certificate-authority-data" << YAML::Value << base64(caCertificatePem);
    out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
    out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
    for (const auto& account : accounts) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << account.userEntry;
        out << YAML::Key << "user" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "token" << YAML::Value << account.token;
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
    for (const auto& account : accounts) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << account.context;
        out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "cluster" << YAML::Value << ClusterName;
        out << YAML::Key << "user" << YAML::Value << account.userEntry;
        out << YAML::Key << "namespace" << YAML::Value << namespaceName;
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "current-context" << YAML::Value << (accounts.empty() ? std::string() : accounts.front().context);
    out << YAML::Key << "preferences" << YAML::Value << YAML::BeginMap << YAML::EndMap;
    out << YAML::EndMap;
    return std::string(out.c_str()) + '\n';
}

void KubeconfigWriter::write(const std::filesystem::path& path, const std::string& serverUrl,
                             const std::string& caCertificatePem, const std::vector<Account>& accounts,
                             const std::string& namespaceName)
{
    const std::string content = render(serverUrl, caCertificatePem, accounts, namespaceName);
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        failWith(temporary, "create");
    // The mode of open() only applies to new files; an older temp file keeps its own.
    bool ok = ::fchmod(fd, 0600) == 0;
    std::size_t written = 0;
    while (ok && written < content.size()) {
        const ssize_t count = ::write(fd, content.data() + written, content.size() - written);
        if (count < 0 && errno == EINTR)
            continue;
        ok = count > 0;
        written += ok ? static_cast<std::size_t>(count) : 0;
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        errno = saved;
        failWith(path, "write");
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        errno = saved;
        failWith(path, "write");
    }
}

} // namespace democluster
