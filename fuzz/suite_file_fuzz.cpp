// The suite-file loader: any bytes as a suites/*.json file are refused with a message (the CLI's
// exit 2) or give cases that every one of can be built into a request. The loader reads files,
// so each input is written to one file in a folder of this process's own.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/cases/request_builder.hpp"
#include "harness/cases/suite.hpp"
#include "harness/contract/contract.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path& input_file() {
    static const fs::path file = [] {
        fs::path dir = fs::temp_directory_path() / ("kmsconf-fuzz-suite-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        return dir / "fuzzed.json";
    }();
    return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using kms::fuzz::require;
    static const auto schema = kms::SchemaValidator::from_file((std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas") / "suite.schema.json");
    {
        std::ofstream out(input_file(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        require(out.good(), "the input file can be written", input_file().string());
    }
    std::vector<kms::Suite> suites;
    try {
        suites = kms::load_suites({input_file()}, *schema);
    } catch (const std::exception& e) {
        require(e.what()[0] != '\0', "a refused suite file says why");
        return 0;
    }
    const kms::Variables vars{"a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "de-fra-1"};
    const kms::BaseUrl base{false, "127.0.0.1", 8080, "/v2"};
    const kms::Signer unsigned_requests;
    for (const auto& suite : suites)
        for (const auto& c : suite.cases) {
            require(!c.id.empty(), "a loaded case has an id");
            if (!kms::auth_mode_runnable(c.request.auth, unsigned_requests)) continue;
            try {
                (void)kms::build_request(c, vars, base, unsigned_requests);
            } catch (const kms::PlaceholderError& e) {
                require(e.what()[0] != '\0', "a placeholder error says why");
            }
        }
    return 0;
}
