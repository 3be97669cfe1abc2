#include "harness/transport/ca_file_check.hpp"

#include "common/openssl_error.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace kms {

std::string ca_file_problem(const std::string& path) {
    ERR_clear_error();
    errno = 0;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
    if (!bio) {
        const int saved = errno;
        ERR_clear_error();
        return saved != 0 ? std::strerror(saved) : "cannot be opened";
    }
    int certificates = 0;
    // The same reader the TLS context's verify-file loading uses for each PEM block; it
    // stops with "no start line" after the last certificate, which is the normal end.
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        X509_free(cert);
        ++certificates;
    }
    const unsigned long err = ERR_peek_last_error();
    const bool clean_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
    if (err != 0 && !clean_end) return "a certificate in it cannot be read: " + last_openssl_error();
    ERR_clear_error();
    if (certificates == 0) return "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)";
    return "";
}

}  // namespace kms
