// SPDX-License-Identifier: Apache-2.0
#include "TlsCredentials.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace democluster {

namespace {

[[noreturn]] void fail(const std::string& step)
{
    char detail[256] = "no OpenSSL error queued";
    if (const unsigned long code = ERR_get_error())
        ERR_error_string_n(code, detail, sizeof detail);
    throw std::runtime_error("cannot create the demo cluster's TLS certificates (" + step + "): " + detail);
}

EVP_PKEY* newKey()
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key)
        fail("generating an EC P-256 key");
    return key;
}

void addExtension(X509* certificate, X509* issuer, int nid, const char* value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (!extension || X509_add_ext(certificate, extension, -1) != 1) {
        X509_EXTENSION_free(extension);
        fail(std::string("adding extension ") + OBJ_nid2sn(nid));
    }
    X509_EXTENSION_free(extension);
}

// Fills in everything but the extensions and the signature.
void initialise(X509* certificate, const char* commonName, EVP_PKEY* key, long validDays)
{
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        fail("drawing a serial number");
    serial[0] &= 0x7f; // serial numbers must be positive
    BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
    if (!number || !BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate))) {
        BN_free(number);
        fail("setting the serial number");
    }
    BN_free(number);
    if (X509_set_version(certificate, X509_VERSION_3) != 1)
        fail("setting the version");
    // An hour of slack for clocks that disagree a little.
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), validDays * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("MeshDeck demo cluster"),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
    if (X509_set_pubkey(certificate, key) != 1)
        fail("setting the public key");
}

} // namespace

void TlsCredentials::X509Deleter::operator()(X509* certificate) const
{
    X509_free(certificate);
}

void TlsCredentials::KeyDeleter::operator()(EVP_PKEY* key) const
{
    EVP_PKEY_free(key);
}

TlsCredentials::TlsCredentials(TlsCredentials&&) noexcept = default;
TlsCredentials& TlsCredentials::operator=(TlsCredentials&&) noexcept = default;
TlsCredentials::~TlsCredentials() = default;

TlsCredentials TlsCredentials::generate()
{
    TlsCredentials credentials;
    credentials.m_caKey.reset(newKey());
    credentials.m_caCertificate.reset(X509_new());
    X509* ca = credentials.m_caCertificate.get();
    if (!ca)
        fail("allocating the CA certificate");
    initialise(ca, "meshdeck-demo-ca", credentials.m_caKey.get(), 3650);
    X509_set_issuer_name(ca, X509_get_subject_name(ca));
    addExtension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    addExtension(ca, ca, NID_subject_key_identifier, "hash");
    if (X509_sign(ca, credentials.m_caKey.get(), EVP_sha256()) == 0)
        fail("signing the CA certificate");

    credentials.m_serverKey.reset(newKey());
    credentials.m_serverCertificate.reset(X509_new());
    X509* server = credentials.m_serverCertificate.get();
    if (!server)
        fail("allocating the server certificate");
    initialise(server, "meshdeck-democluster", credentials.m_serverKey.get(), 365);
    X509_set_issuer_name(server, X509_get_subject_name(ca));
    addExtension(server, ca, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(server, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(server, ca, NID_ext_key_usage, "serverAuth");
    addExtension(server, ca, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    addExtension(server, ca, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(server, credentials.m_caKey.get(), EVP_sha256()) == 0)
        fail("signing the server certificate");
    return credentials;
}

std::string TlsCredentials::caCertificatePem() const
{
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio || PEM_write_bio_X509(bio, m_caCertificate.get()) != 1) {
        BIO_free(bio);
        fail("encoding the CA certificate");
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return pem;
}

} // namespace democluster
