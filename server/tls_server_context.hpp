// The OpenSSL side of the reference server's HTTPS: certificate chain and key from PEM files,
// TLS 1.2 as the floor, no renegotiation. Plain OpenSSL, no Asio, so that http_server.cpp keeps
// only the I/O (the harness's client side is harness/transport/tls_context.hpp).
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace kms::server {

// A server SSL_CTX serving `cert_file` (PEM: the leaf first, then any intermediates) with the
// private key in `key_file` (PEM, unencrypted: a passphrase is never prompted for). Throws
// TlsSetupError (reference_server.hpp) naming the file and OpenSSL's reason when a file cannot be
// read or used, or when the key does not belong to the certificate. The caller owns the result.
SSL_CTX* make_server_tls_context(const std::string& cert_file, const std::string& key_file);

}  // namespace kms::server
