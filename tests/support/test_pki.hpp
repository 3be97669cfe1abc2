// A throw-away PKI for the TLS tests, made once per test process with the openssl CLI in a
// private temporary directory (removed at exit): a CA, and two server certificates it signed.
#pragma once

#include <string>

namespace kms::test {

struct TestPki {
    std::string ca_file;          // the CA certificate (PEM)
    std::string localhost_cert;   // SAN DNS:localhost, IP:127.0.0.1
    std::string localhost_key;
    std::string other_cert;       // SAN DNS:other.example, IP:127.0.0.2 (not what tests dial)
    std::string other_key;
    std::string error;            // non-empty when generation failed (with the CLI's output)
};

const TestPki& test_pki();

}  // namespace kms::test
