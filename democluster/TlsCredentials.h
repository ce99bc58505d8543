// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;

namespace democluster {

// A throwaway certificate authority and the server certificate it signs, made in memory at every
// start (EC P-256). Nothing touches the disk but the CA certificate inside the kubeconfig.
class TlsCredentials {
public:
    // Throws std::runtime_error naming the OpenSSL step that failed.
    static TlsCredentials generate();

    TlsCredentials(TlsCredentials&&) noexcept;
    TlsCredentials& operator=(TlsCredentials&&) noexcept;
    ~TlsCredentials();

    std::string caCertificatePem() const;
    // Borrowed pointers; httplib's SSLServer takes its own references.
    X509* serverCertificate() const { return m_serverCertificate.get(); }
    EVP_PKEY* serverKey() const { return m_serverKey.get(); }

private:
    struct X509Deleter {
        void operator()(X509* certificate) const;
    };
    struct KeyDeleter {
        void operator()(EVP_PKEY* key) const;
    };

    TlsCredentials() = default;

    std::unique_ptr<X509, X509Deleter> m_caCertificate;
    std::unique_ptr<EVP_PKEY, KeyDeleter> m_caKey;
    std::unique_ptr<X509, X509Deleter> m_serverCertificate;
    std::unique_ptr<EVP_PKEY, KeyDeleter> m_serverKey;
};

} // namespace democluster
