// Framing follows RFC 9112 §6.3: no body for 1xx, 204 and 304; chunked when it is the final
// transfer coding; else Content-Length; else the body runs to the close. Anything ambiguous
// (conflicting lengths, obsolete line folding, a bad chunk size) is an error, because a wrong
// guess would misframe every later response on the connection.
#include "harness/bench/response_parser.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cstring>
#include <optional>
#include <string_view>

namespace kms::bench {

namespace {

constexpr std::size_t kMaxLineBytes = 4096;  // a chunk-size line with extensions, or a trailer

// Index just past the blank line that ends a header block, or npos. LF alone is accepted as a
// line end (RFC 9112 §2.2 lets a recipient do so). Only for a header that came in pieces: a
// whole one is found by parse_header's own walk over its lines.
std::size_t find_header_end(const std::string& h, std::size_t from) {
    for (std::size_t i = h.find('\n', from); i != std::string::npos; i = h.find('\n', i + 1)) {
        if (i + 1 < h.size() && h[i + 1] == '\n') return i + 2;
        if (i + 2 < h.size() && h[i + 1] == '\r' && h[i + 2] == '\n') return i + 3;
    }
    return std::string::npos;
}

std::string_view strip_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Calls f(token) for each comma-separated token of a header value, trimmed; callers compare
// case-insensitively, so no lower-cased copy is made per token.
template <class F>
void for_each_token(std::string_view value, F&& f) {
    while (!value.empty()) {
        auto comma = value.find(',');
        f(trim(value.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

// RFC 9112 §7: transfer-coding = token *( OWS ";" OWS transfer-parameter ), and
// transfer-parameter = token BWS "=" BWS ( token / quoted-string ). A quoted value holding ';'
// or ',' is refused too (the list is split on them first): no server sends one, and a parser
// that guesses here frames the rest of the connection wrongly ("chunked ;#,l": Beast read
// chunked, the bench read to the close; found by fuzz_bench_response).
bool is_transfer_coding(std::string_view v) {
    auto semicolon = v.find(';');
    if (!is_token(trim(v.substr(0, semicolon)))) return false;
    while (semicolon != std::string_view::npos) {
        v.remove_prefix(semicolon + 1);
        semicolon = v.find(';');
        const std::string_view param = v.substr(0, semicolon);
        const auto equals = param.find('=');
        if (equals == std::string_view::npos || !is_token(trim(param.substr(0, equals)))) return false;
        const std::string_view value = trim(param.substr(equals + 1));
        const bool quoted = value.size() >= 2 && value.front() == '"' && value.back() == '"';
        if (!quoted && !is_token(value)) return false;
    }
    return true;
}

// The framing fields, told apart by length before any case-insensitive compare.
enum class Field { other, content_length, transfer_encoding, connection };
Field field_of(std::string_view name) {
    switch (name.size()) {
        case 14: return iequals(name, "content-length") ? Field::content_length : Field::other;
        case 17: return iequals(name, "transfer-encoding") ? Field::transfer_encoding : Field::other;
        case 10: return iequals(name, "connection") ? Field::connection : Field::other;
        default: return Field::other;
    }
}

template <class T>
T parse_number(std::string_view digits, int base = 10) {  // digits checked by the caller
    T value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    return value;
}

}  // namespace

void ResponseParser::reset() {
    state_ = State::header;
    header_.clear();  // keeps its capacity: no allocation per response once warm
    line_.clear();
    remaining_ = body_bytes_ = 0;
    status_ = interim_ = 0;
    keep_alive_ = true;
    error_.clear();
}

ResponseParser::Result ResponseParser::fail(std::string why) {
    state_ = State::failed;
    error_ = std::move(why);
    keep_alive_ = false;
    return Result::error;
}

// One walk over the lines: each is checked as it is found, and the blank line ends the block.
// A malformed line is reported only once the block is whole, as it was when the end was
// searched for first: the verdict must not depend on how the bytes arrived.
ResponseParser::HeaderScan ResponseParser::parse_header(std::string_view bytes, std::size_t* end) {
    const char* const begin = bytes.data();
    const char* const stop = begin + bytes.size();
    const char* error = nullptr;
    auto bad = [&error](const char* why) {
        if (!error) error = why;
    };
    auto next_line = [&](const char* from, std::string_view* line) -> const char* {
        const char* nl = static_cast<const char*>(std::memchr(from, '\n', static_cast<std::size_t>(stop - from)));
        if (nl) *line = strip_cr(std::string_view(from, static_cast<std::size_t>(nl - from)));
        return nl;
    };

    std::string_view status_line;
    const char* nl = next_line(begin, &status_line);
    if (!nl) return HeaderScan::incomplete;
    // "HTTP/1.1 200 OK": the reason phrase may be empty, even without its space.
    int status = 0;
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[7] < '0' ||
        status_line[7] > '9' || status_line[8] != ' ' || !all_digits(status_line.substr(9, 3)) ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
        bad("malformed status line");
    } else {
        status = parse_number<int>(status_line.substr(9, 3));
        if (status < 100) bad("status code below 100");
    }
    const bool http10 = status_line.size() > 7 && status_line[7] == '0';

    bool close = false, keep_alive_token = false, chunked = false, has_te = false;
    std::optional<std::uint64_t> length;
    for (;;) {
        std::string_view line;
        nl = next_line(nl + 1, &line);
        if (!nl) return HeaderScan::incomplete;
        if (line.empty()) break;
        if (error) continue;  // only the end is looked for now
        if (line[0] == ' ' || line[0] == '\t') {
            bad("obsolete header line folding");
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || line[colon - 1] == ' ' || line[colon - 1] == '\t') {
            bad("malformed header line");
            continue;
        }
        const Field field = field_of(line.substr(0, colon));
        if (field == Field::other) continue;
        std::string_view value = trim(line.substr(colon + 1));
        if (field == Field::content_length) {
            bool ok = true;
            for_each_token(value, [&](std::string_view v) {
                if (!all_digits(v)) return void(ok = false);
                const auto n = parse_number<std::uint64_t>(v);
                if (length && *length != n) ok = false;
                else length = n;
            });
            if (!ok) bad("invalid or conflicting Content-Length");
        } else if (field == Field::transfer_encoding) {
            has_te = true;
            // Codings are tokens with name=value parameters (RFC 9112 §7): anything else makes
            // the framing a guess ("chunked\xff", "chunked}}": Beast read chunked, the bench read
            // to the close; found by fuzz_bench_response), so it is refused.
            bool tokens = true;
            // Only the final coding matters for framing; a coding's name is what precedes its
            // parameters ("chunked ;q=1" is chunked).
            for_each_token(value, [&](std::string_view v) {
                if (!is_transfer_coding(v)) tokens = false;
                chunked = iequals(trim(v.substr(0, v.find(';'))), "chunked");
            });
            if (!tokens) bad("malformed Transfer-Encoding");
        } else {
            for_each_token(value, [&](std::string_view v) {
                if (iequals(v, "close")) close = true;
                if (iequals(v, "keep-alive")) keep_alive_token = true;
            });
        }
    }
    *end = static_cast<std::size_t>(nl + 1 - begin);
    status_ = status;
    if (error) {
        fail(error);
        return HeaderScan::failed;
    }

    if (status_ < 200) {
        if (status_ == 101) {
            fail("unexpected 101 Switching Protocols");
            return HeaderScan::failed;
        }
        if (++interim_ > kMaxInterim) {
            fail("too many interim 1xx responses");
            return HeaderScan::failed;
        }
        state_ = State::header;  // the real response follows
        return HeaderScan::parsed;
    }
    keep_alive_ = !close && (!http10 || keep_alive_token);
    if (status_ == 204 || status_ == 304) {
        state_ = State::done;
    } else if (has_te && length) {
        // RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and such a message "ought
        // to be handled as an error" (smuggling, splitting). Parsers disagree on it, as Beast,
        // which ignores an empty Transfer-Encoding, does (found by fuzz_bench_response).
        fail("both Transfer-Encoding and Content-Length");
        return HeaderScan::failed;
    } else if (has_te) {
        if (chunked) {
            state_ = State::chunk_size;
        } else {
            state_ = State::until_close;
            keep_alive_ = false;
        }
    } else if (length) {
        if (*length > kMaxBodyBytes) {
            fail("Content-Length " + std::to_string(*length) + " above the 8 MiB limit");
            return HeaderScan::failed;
        }
        remaining_ = *length;
        state_ = remaining_ == 0 ? State::done : State::fixed_body;
    } else {
        state_ = State::until_close;
        keep_alive_ = false;
    }
    return HeaderScan::parsed;
}

bool ResponseParser::take_line(const char* data, std::size_t size, std::size_t* used, bool* complete) {
    const char* nl = static_cast<const char*>(std::memchr(data, '\n', size));
    const std::size_t n = nl ? static_cast<std::size_t>(nl - data) + 1 : size;
    if (line_.size() + n > kMaxLineBytes) {
        fail("chunked framing line longer than 4 KiB");
        return false;
    }
    line_.append(data, n);
    *used = n;
    *complete = nl != nullptr;
    if (*complete) {
        line_.pop_back();  // '\n'
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    }
    return true;
}

ResponseParser::Result ResponseParser::feed(const char* data, std::size_t size, std::size_t* consumed) {
    std::size_t pos = 0;
    auto more = [&] {
        *consumed = pos;
        return Result::need_more;
    };
    for (;;) {
        switch (state_) {
            case State::header: {
                if (pos == size) return more();
                std::size_t end = 0;
                HeaderScan scan;
                if (header_.empty()) {
                    // The usual case: the whole header is in this read, parsed where it lies.
                    scan = parse_header(std::string_view(data + pos, size - pos), &end);
                    if (scan == HeaderScan::incomplete) {
                        if (size - pos > kMaxHeaderBytes) return fail("response header larger than 64 KiB");
                        header_.append(data + pos, size - pos);
                        pos = size;
                        return more();
                    }
                    if (end > kMaxHeaderBytes) return fail("response header larger than 64 KiB");
                    pos += end;
                } else {
                    // A header in pieces is gathered first; the end is searched for from just
                    // before the new bytes, so that a header read bytewise is not rescanned.
                    const std::size_t old = header_.size();
                    const std::size_t take = size - pos;
                    header_.append(data + pos, take);
                    end = find_header_end(header_, old >= 3 ? old - 3 : 0);
                    if (end == std::string::npos || end > kMaxHeaderBytes) {
                        if (header_.size() > kMaxHeaderBytes) return fail("response header larger than 64 KiB");
                        pos = size;
                        return more();
                    }
                    // Bytes past the blank line are re-read below as body (or the next response).
                    pos += take - (header_.size() - end);
                    scan = parse_header(std::string_view(header_.data(), end), &end);
                    header_.clear();
                }
                if (scan == HeaderScan::failed) return Result::error;
                break;
            }
            case State::fixed_body:
            case State::chunk_data: {
                const std::uint64_t n = std::min<std::uint64_t>(remaining_, size - pos);
                pos += n;
                remaining_ -= n;
                if (remaining_ > 0) return more();
                state_ = state_ == State::fixed_body ? State::done : State::chunk_data_end;
                break;
            }
            case State::until_close:
                body_bytes_ += size - pos;
                if (body_bytes_ > kMaxBodyBytes) return fail("response body above the 8 MiB limit");
                pos = size;
                return more();
            case State::chunk_size:
            case State::chunk_data_end:
            case State::trailers: {
                if (pos == size) return more();
                std::size_t used = 0;
                bool complete = false;
                if (!take_line(data + pos, size - pos, &used, &complete)) return Result::error;
                pos += used;
                if (!complete) return more();
                std::string_view line(line_);
                if (state_ == State::chunk_data_end) {
                    if (!line.empty()) return fail("chunk data not followed by CRLF");
                    state_ = State::chunk_size;
                } else if (state_ == State::trailers) {
                    body_bytes_ += line.size();
                    if (body_bytes_ > kMaxBodyBytes) return fail("response trailers above the 8 MiB limit");
                    if (line.empty()) state_ = State::done;
                } else {
                    line = trim(line.substr(0, line.find(';')));
                    if (line.empty() || line.size() > 15 ||
                        line.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
                        return fail("invalid chunk size");
                    remaining_ = parse_number<std::uint64_t>(line, 16);
                    body_bytes_ += remaining_;
                    if (body_bytes_ > kMaxBodyBytes) return fail("response body above the 8 MiB limit");
                    state_ = remaining_ == 0 ? State::trailers : State::chunk_data;
                }
                line_.clear();
                break;
            }
            case State::done:
                *consumed = pos;
                return Result::done;
            case State::failed:
                *consumed = pos;
                return Result::error;
        }
    }
}

ResponseParser::Result ResponseParser::finish_eof() {
    if (state_ == State::done) return Result::done;
    if (state_ == State::failed) return Result::error;
    if (state_ == State::until_close) {
        state_ = State::done;
        return Result::done;
    }
    return fail(started() ? "connection closed mid-response" : "connection closed before any response");
}

}  // namespace kms::bench
