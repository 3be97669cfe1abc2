// The OpenSSL side of the client's TLS: trust store, protocol floor, per-connection SNI and
// peer-name checks, and readable reasons for a failed handshake. Plain OpenSSL, no Asio, so
// that http_client.cpp keeps only the I/O.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace kms {

// A client SSL_CTX with TLS 1.2 as the floor. With `verify`: the system trust store plus
// `ca_file` (PEM) when given, and SSL_VERIFY_PEER. Without: no verification at all (--insecure).
// nullptr with *error set ("load CA file /x.pem: No such file or directory") when it cannot be
// built. The caller owns the result.
SSL_CTX* make_client_tls_context(bool verify, const std::string& ca_file, std::string* error);

// Per connection, before the handshake: SNI (for names, never for IP literals, RFC 6066 §3)
// and, when verifying, the peer identity check against `host` (DNS name or IP literal, RFC 6125).
// False with *error set when OpenSSL refuses the settings.
bool prepare_tls_connection(SSL* ssl, const std::string& host, bool verify, std::string* error);

// Why the peer's certificate was rejected ("hostname mismatch", "unable to get local issuer
// certificate"), or "" when certificate verification was not the problem.
std::string tls_verify_failure(const SSL* ssl);

}  // namespace kms
