#include "common/openssl_error.hpp"

#include <openssl/err.h>

namespace kms {

std::string last_openssl_error() {
    unsigned long code = ERR_peek_last_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason ? reason : "unknown OpenSSL error";
}

}  // namespace kms
