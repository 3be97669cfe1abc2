// A throw-away certificate authority for TLS tests, made at test time with the openssl CLI in a
// private temporary directory (removed by the destructor). Header-only and free of project
// dependencies: the server, client and CLI TLS tests all use it (tests/support/).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace kms::test {

class TestCa {
public:
    struct Leaf {
        std::filesystem::path cert;  // PEM, signed by the CA
        std::filesystem::path key;   // PEM, unencrypted
    };

    // Makes the CA (EC P-256: milliseconds, unlike RSA). Throws std::runtime_error with the
    // CLI's output when openssl fails or is missing.
    TestCa() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "kmsconf-test-ca-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        run("openssl req -x509 -new " + std::string(kNewKey) +
            " -keyout ca.key -out ca.pem -days 2 -subj '/CN=kmsconf throw-away test CA'"
            " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'");
    }
    ~TestCa() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
    const std::filesystem::path& dir() const { return dir_; }

    // A server certificate for `san` ("DNS:localhost,IP:127.0.0.1"): a key, a CSR, then the
    // certificate the CA signs for it, as <name>.pem and <name>.key.
    Leaf issue(const std::string& name, const std::string& san) {
        std::ofstream(dir_ / (name + ".ext")) << "subjectAltName=" << san
                                               << "\nbasicConstraints=critical,CA:FALSE"
                                                  "\nkeyUsage=critical,digitalSignature"
                                                  "\nextendedKeyUsage=serverAuth\n";
        run("openssl req -new " + std::string(kNewKey) + " -keyout " + name + ".key -out " + name +
            ".csr -subj '/CN=" + name + "'");
        run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -set_serial " +
            std::to_string(++serial_) + " -days 2 -out " + name + ".pem -extfile " + name + ".ext");
        return {dir_ / (name + ".pem"), dir_ / (name + ".key")};
    }

    // A file holding `text`, in the CA's directory (for unusable-certificate tests).
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ / name) << text;
        return dir_ / name;
    }

private:
    static constexpr const char* kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

    void run(const std::string& command) const {
        std::string line = "cd '" + dir_.string() + "' && timeout 30 " + command + " >openssl.log 2>&1";
        if (std::system(line.c_str()) != 0) {
            std::ifstream log(dir_ / "openssl.log");
            std::stringstream text;
            text << log.rdbuf();
            throw std::runtime_error("openssl CLI failed: " + command + "\n" + text.str());
        }
    }

    std::filesystem::path dir_;
    int serial_ = 1000;
};

}  // namespace kms::test
