#include "test_pki.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kms::test {

namespace {

// EC P-256 keys: generated in milliseconds, unlike RSA.
constexpr const char* kNewKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

struct Pki {
    TestPki files;
    std::filesystem::path dir;

    Pki() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "kmsconf-pki-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) {
            files.error = "mkdtemp failed";
            return;
        }
        dir = tmpl;
        std::string d = dir.string();
        files.ca_file = d + "/ca.pem";
        files.localhost_cert = d + "/localhost.pem";
        files.localhost_key = d + "/localhost.key";
        files.other_cert = d + "/other.pem";
        files.other_key = d + "/other.key";

        std::string script =
            "set -e; cd '" + d + "'\n"
            "openssl req -x509 -new " + std::string(kNewKey) +
            " -keyout ca.key -out ca.pem -days 2 -subj '/CN=kmsconf test CA'"
            " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'\n" +
            leaf("localhost", "DNS:localhost,IP:127.0.0.1", 1001) +
            leaf("other", "DNS:other.example,IP:127.0.0.2", 1002);
        std::ofstream(d + "/make.sh") << script;
        std::string command = "sh '" + d + "/make.sh' > '" + d + "/make.log' 2>&1";
        if (std::system(command.c_str()) != 0) {
            std::ifstream log(d + "/make.log");
            std::stringstream text;
            text << log.rdbuf();
            files.error = "openssl CLI failed: " + text.str();
        }
    }

    ~Pki() {
        std::error_code ignored;
        if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }

    static std::string leaf(const std::string& name, const std::string& san, int serial) {
        return "openssl req -new " + std::string(kNewKey) + " -keyout " + name + ".key -out " + name +
               ".csr -subj '/CN=" + name + "'\n"
               "printf 'subjectAltName=" + san + "\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > " +
               name + ".ext\n"
               "openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -set_serial " +
               std::to_string(serial) + " -days 2 -out " + name + ".pem -extfile " + name + ".ext\n";
    }
};

}  // namespace

const TestPki& test_pki() {
    static Pki pki;  // made on first use, removed at process exit
    return pki.files;
}

}  // namespace kms::test
