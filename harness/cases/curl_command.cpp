#include "harness/cases/curl_command.hpp"

#include "common/text.hpp"

#include <cstdio>

namespace kms {

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

namespace {

bool needs_printf(std::string_view body) {
    for (unsigned char c : body)
        if (c < 0x20 || c >= 0x7f) return true;
    return false;
}

// printf(1) format text producing exactly these bytes (octal escapes for anything unusual).
std::string printf_format(std::string_view body) {
    std::string out;
    for (unsigned char c : body) {
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '%' && c != '\'') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace

std::string curl_command(const BaseUrl& base, const HttpRequest& request, std::size_t max_body) {
    std::string body_source;  // a pipeline feeding curl's stdin, when the body is not literal
    std::string body_arg;
    if (!request.body.empty()) {
        if (request.body.size() > max_body) {
            body_source = "# the " + std::to_string(request.body.size()) + "-byte body is not shown; " +
                          "--dry-run --filter <case id> prints this command with it\n";
            body_arg = " --data-binary @-";
        } else if (needs_printf(request.body)) {
            body_source = "printf " + shell_quote(printf_format(request.body)) + " | ";
            body_arg = " --data-binary @-";
        } else {
            body_arg = " --data-binary " + shell_quote(request.body);
        }
    }
    std::string cmd = body_source + "curl -sS -i";
    if (request.method == "HEAD") cmd += " --head";
    else cmd += " -X " + shell_quote(request.method);
    if (base.tls) cmd += " --cacert \"$CA_FILE\"";
    // Suppress curl's own defaults so the headers are exactly the ones the case sent.
    bool has_ct = false, has_accept = false;
    for (const auto& h : request.headers) {
        std::string value = iequals(h.name, "Authorization") ? "[REDACTED]" : h.value;
        cmd += " -H " + shell_quote(h.name + ": " + value);
        has_ct = has_ct || iequals(h.name, "Content-Type");
        has_accept = has_accept || iequals(h.name, "Accept");
    }
    if (!has_ct && !request.body.empty()) cmd += " -H 'Content-Type:'";
    if (!has_accept) cmd += " -H 'Accept:'";
    cmd += body_arg;
    cmd += " " + shell_quote(base.origin() + request.target);
    return cmd;
}

}  // namespace kms
