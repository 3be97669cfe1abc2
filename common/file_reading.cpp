#include "common/file_reading.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace kms {

std::optional<std::string> read_whole_file(const std::filesystem::path& file, std::string* error) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) {
        *error = std::strerror(errno);
        return std::nullopt;
    }
    // Read into a string of the file's size at once (a HAR file may have hundreds of MiB: a
    // stringstream would grow its buffer and copy it out again); then whatever a file that
    // does not know its size (a pipe, /dev/fd/N) still holds.
    std::string text;
    const std::streamoff size = in.tellg();
    if (size > 0) {
        text.resize(static_cast<std::size_t>(size));
        in.seekg(0);
        in.read(text.data(), size);
        text.resize(static_cast<std::size_t>(in.gcount()));
    }
    in.clear();
    std::ostringstream rest;
    rest << in.rdbuf();
    if (in.bad()) {
        *error = "read error";
        return std::nullopt;
    }
    text += rest.str();
    return text;
}

}  // namespace kms
