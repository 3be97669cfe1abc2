// A run-level <property> of junit.xml (e.g. kmsconf.contract: the revision the run judged by
// and why), added to the root's <properties> after GoogleTest wrote the file. Kept apart from
// the appended cases so that a property needs no change to their signature.
#pragma once

#include <filesystem>
#include <string>

namespace kms {

// Throws std::runtime_error when the file cannot be read or written.
void add_junit_property(const std::filesystem::path& junit_xml, const std::string& name, const std::string& value);

}  // namespace kms
