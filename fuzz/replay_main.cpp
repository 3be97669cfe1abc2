// A fuzz target as a plain program: feeds every file of each directory (or file) named on the
// command line to LLVMFuzzerTestOneInput, in name order, and says how many it fed. A missing
// directory is an error unless its name is preceded by --optional (fuzz/regressions/<target>/
// exists only once an input has been kept). A crash, sanitizer finding or failed property
// ends the program as it would end the fuzzer.
#include "fuzz/fuzz_target.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_of(const fs::path& p) {
    std::vector<fs::path> out;
    if (fs::is_regular_file(p)) return {p};
    for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().filename().string().front() != '.') out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t fed = 0;
    bool optional = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--optional") {
            optional = true;
            continue;
        }
        fs::path p(arg);
        bool present = fs::exists(p);
        if (!present && optional) {
            optional = false;
            continue;
        }
        optional = false;
        if (!present) {
            std::cerr << "replay: " << p.string() << ": no such file or directory\n";
            return 2;
        }
        for (const auto& f : files_of(p)) {
            std::ifstream in(f, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) {
                std::cerr << "replay: cannot read " << f.string() << "\n";
                return 2;
            }
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++fed;
        }
    }
    if (fed == 0) {
        std::cerr << "replay: no input fed (an empty corpus tests nothing)\n";
        return 2;
    }
    std::cout << "replay: " << fed << " inputs, no finding\n";
    return 0;
}
