#include "common/file_reading.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kms {

std::optional<std::string> read_whole_file(const std::filesystem::path& file, std::string* error) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        *error = std::strerror(errno);
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        *error = "read error";
        return std::nullopt;
    }
    return text.str();
}

}  // namespace kms
