// SPDX-License-Identifier: Apache-2.0
#pragma once

// Certificates made at test time with OpenSSL, so no key material is checked in and none expires.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace testpki {

struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
    void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

struct Identity {
    Key key;
    Cert cert;
    std::string certPem() const;
    std::string keyPem() const;
};

inline void check(bool ok, const char* what)
{
    if (!ok)
        throw std::runtime_error(std::string("OpenSSL: ") + what);
}

inline void addExtension(X509* cert, X509V3_CTX* context, int nid, const char* value)
{
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, context, nid, value);
    check(extension != nullptr, "extension");
    check(X509_add_ext(cert, extension, -1) == 1, "add extension");
    X509_EXTENSION_free(extension);
}

// A certificate for `commonName`, signed by `issuer` (self-signed when null). `altNames` is an
// OpenSSL subjectAltName value such as "DNS:localhost,IP:127.0.0.1".
inline Identity makeIdentity(const char* commonName, const Identity* issuer, bool isCa, const char* altNames = nullptr,
                             const char* extendedUsage = nullptr)
{
    static long serial = 1;
    Identity identity;
    identity.key.reset(EVP_EC_gen("P-256"));
    check(identity.key != nullptr, "key");
    identity.cert.reset(X509_new());
    X509* cert = identity.cert.get();
    check(X509_set_version(cert, 2) == 1, "version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    check(X509_set_pubkey(cert, identity.key.get()) == 1, "pubkey");
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
    X509* issuerCert = issuer ? issuer->cert.get() : cert;
    check(X509_set_issuer_name(cert, X509_get_subject_name(issuerCert)) == 1, "issuer");

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuerCert, cert, nullptr, nullptr, 0);
    addExtension(cert, &context, NID_basic_constraints, isCa ? "critical,CA:TRUE" : "critical,CA:FALSE");
    addExtension(cert, &context, NID_key_usage, isCa ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    addExtension(cert, &context, NID_subject_key_identifier, "hash");
    if (altNames)
        addExtension(cert, &context, NID_subject_alt_name, altNames);
    if (extendedUsage)
        addExtension(cert, &context, NID_ext_key_usage, extendedUsage);
    check(X509_sign(cert, issuer ? issuer->key.get() : identity.key.get(), EVP_sha256()) > 0, "sign");
    return identity;
}

inline std::string readBio(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
}

inline std::string Identity::certPem() const
{
    BIO* bio = BIO_new(BIO_s_mem());
    check(PEM_write_bio_X509(bio, cert.get()) == 1, "write certificate");
    return readBio(bio);
}

inline std::string Identity::keyPem() const
{
    BIO* bio = BIO_new(BIO_s_mem());
    check(PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1, "write key");
    return readBio(bio);
}

} // namespace testpki
