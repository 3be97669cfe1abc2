// The one whole-file reader: suites, schemas, contracts and secret files are all read whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kms {

// The file's bytes, or nullopt with the reason (strerror, e.g. "No such file or directory") in
// *error; callers wrap the reason in their own words ("cannot read --api-secret-file F: ...").
std::optional<std::string> read_whole_file(const std::filesystem::path& file, std::string* error);

}  // namespace kms
