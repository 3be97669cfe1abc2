// Names of the contract revisions the service speaks (`kmsconf serve --contract REV`): the
// directory names under schemas/, so that one word names the same revision on both sides.
#include "server/replicate_service.hpp"

#include "server/name_table.hpp"

#include <utility>

namespace kms::server {

namespace {
constexpr std::pair<Revision, const char*> kRevisionNames[] = {
    {Revision::r2026_03_31, "2026-03-31"},
    {Revision::r2026_07_20, "2026-07-20"},
};
}  // namespace

std::optional<Revision> parse_revision(std::string_view name) { return detail::value_named(kRevisionNames, name); }

std::string to_string(Revision f) { return detail::name_of(kRevisionNames, f); }

std::vector<std::string> revision_names() { return detail::names_in(kRevisionNames); }

}  // namespace kms::server
