#include "common/http_types.hpp"

#include "common/text.hpp"

namespace kms {

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    const std::string* value = find_header_value(headers, name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

const std::string* find_header_value(const Headers& headers, std::string_view name) {
    for (const auto& h : headers)
        if (iequals(h.name, name)) return &h.value;
    return nullptr;
}

std::string authority_host(std::string_view host) {
    return host.find(':') != std::string_view::npos ? "[" + std::string(host) + "]" : std::string(host);
}

std::string host_and_port(std::string_view host, unsigned port) {
    return authority_host(host) + ":" + std::to_string(port);
}

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::string_view target_query(std::string_view target) {
    auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

}  // namespace kms
