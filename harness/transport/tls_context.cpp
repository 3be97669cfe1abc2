#include "harness/transport/tls_context.hpp"

#include "common/openssl_error.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

namespace kms {

namespace {

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

SSL_CTX* make_client_tls_context(bool verify, const std::string& ca_file, std::string* error) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        *error = "create TLS context: " + last_openssl_error();
        return nullptr;
    }
    // TLS 1.0/1.1 are deprecated (RFC 8996); a target that still needs them should fail loudly.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (verify) {
        // A missing system store is not fatal: --ca-file may be the only trust anchor.
        SSL_CTX_set_default_verify_paths(ctx);
        ERR_clear_error();
        if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
            *error = "load CA file " + ca_file + ": " + last_openssl_error();
            SSL_CTX_free(ctx);
            return nullptr;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    return ctx;
}

bool prepare_tls_connection(SSL* ssl, const std::string& host, bool verify, std::string* error) {
    ERR_clear_error();
    bool ip = is_ip_literal(host);
    if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
        *error = "set SNI '" + host + "': " + last_openssl_error();
        return false;
    }
    if (!verify) return true;
    // OpenSSL's own check (rather than an Asio verify callback) so that a mismatch is recorded as
    // X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH and can be named in the error.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (ok != 1) {
        *error = "set expected peer name '" + host + "': " + last_openssl_error();
        return false;
    }
    return true;
}

std::string tls_verify_failure(const SSL* ssl) {
    long result = SSL_get_verify_result(ssl);
    return result == X509_V_OK ? std::string{} : X509_verify_cert_error_string(result);
}

}  // namespace kms
