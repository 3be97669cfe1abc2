#include "fuzz/fuzz_input.hpp"

#include <cstdio>
#include <cstdlib>

namespace kms::fuzz {

void require(bool holds, const char* what, std::string_view detail) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property failed: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

namespace {

std::string_view next_line(std::string_view* rest) {
    auto nl = rest->find('\n');
    std::string_view line = rest->substr(0, nl);
    rest->remove_prefix(nl == std::string_view::npos ? rest->size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

HttpResponse response_from_text(std::string_view text) {
    HttpResponse r;
    std::string_view status_line = next_line(&text);
    for (std::size_t i = 0; i < status_line.size() && i < 4 && status_line[i] >= '0' && status_line[i] <= '9'; ++i)
        r.status = r.status * 10 + (status_line[i] - '0');
    while (!text.empty()) {
        std::string_view line = next_line(&text);
        if (line.empty()) break;
        auto colon = line.find(':');
        std::string_view name = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        r.headers.push_back({std::string(name), std::string(value)});
    }
    r.body = std::string(text);
    return r;
}

}  // namespace kms::fuzz
