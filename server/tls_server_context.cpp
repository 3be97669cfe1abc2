#include "server/tls_server_context.hpp"

#include "server/reference_server.hpp"

#include "common/openssl_error.hpp"

#include <openssl/err.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace kms::server {

namespace {

// OpenSSL's own "No such file" hides behind a BIO reason; the errno of a plain open says it.
void require_readable(const char* what, const std::string& path) {
    if (path.empty()) throw TlsSetupError(std::string(what) + ": no file given");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw TlsSetupError(std::string(what) + " " + path + ": " + std::strerror(errno));
    std::fclose(f);
}

// An encrypted key would make OpenSSL prompt on the terminal; a server must fail instead.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

SSL_CTX* make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
    require_readable("tls certificate", cert_file);
    require_readable("tls key", key_file);
    ERR_clear_error();
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
    if (!ctx) throw TlsSetupError("tls: create context: " + last_openssl_error());
    // TLS 1.0/1.1 are deprecated (RFC 8996). Renegotiation is a cost a client could impose at will.
    if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1)
        throw TlsSetupError("tls: set minimum protocol version: " + last_openssl_error());
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_default_passwd_cb(ctx.get(), &no_passphrase);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1)
        throw TlsSetupError("tls certificate " + cert_file + ": " + last_openssl_error());
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        throw TlsSetupError("tls key " + key_file + ": " + last_openssl_error());
    if (SSL_CTX_check_private_key(ctx.get()) != 1)
        throw TlsSetupError("tls key " + key_file + " does not match certificate " + cert_file + ": " +
                            last_openssl_error());
    return ctx.release();
}

}  // namespace kms::server
