#include "tests/support/test_pki.hpp"

#include "tests/support/test_ca.hpp"

#include <memory>

namespace kms::test {

namespace {

struct Pki {
    TestPki files;
    std::unique_ptr<TestCa> ca;  // owns the directory; removed at process exit

    Pki() {
        try {
            ca = std::make_unique<TestCa>();
            auto localhost = ca->issue("localhost", "DNS:localhost,IP:127.0.0.1");
            auto other = ca->issue("other", "DNS:other.example,IP:127.0.0.2");
            files.ca_file = ca->ca_file().string();
            files.localhost_cert = localhost.cert.string();
            files.localhost_key = localhost.key.string();
            files.other_cert = other.cert.string();
            files.other_key = other.key.string();
        } catch (const std::exception& e) {
            files.error = e.what();
        }
    }
};

}  // namespace

const TestPki& test_pki() {
    static Pki pki;  // made on first use
    return pki.files;
}

}  // namespace kms::test
