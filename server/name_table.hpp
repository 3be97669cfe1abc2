// Lookups in a compile-time table of (enum value, kebab-case name) pairs, shared by the fault
// and revision names so that each is one table and nothing else. Internal to server/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kms::server::detail {

template <typename E, std::size_t N>
std::optional<E> value_named(const std::pair<E, const char*> (&table)[N], std::string_view name) {
    for (const auto& [value, value_name] : table)
        if (name == value_name) return value;
    return std::nullopt;
}

template <typename E, std::size_t N>
std::string name_of(const std::pair<E, const char*> (&table)[N], E wanted) {
    for (const auto& [value, value_name] : table)
        if (value == wanted) return value_name;
    return "unknown";
}

template <typename E, std::size_t N>
std::vector<std::string> names_in(const std::pair<E, const char*> (&table)[N]) {
    std::vector<std::string> out;
    out.reserve(N);
    for (const auto& entry : table) out.emplace_back(entry.second);
    return out;
}

}  // namespace kms::server::detail
