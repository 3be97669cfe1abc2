// The bench's hand-written response parser (harness/bench/response_parser.cpp), with Beast's
// http::response_parser as a differential oracle. The input is the bytes a server sent on one
// connection; both parsers read its first response (after up to ResponseParser::kMaxInterim
// interim 1xx responses, which the load engine skips), the EOF at the end of the input
// completing a body delimited by close. When BOTH accept the response, they must agree on:
//   - the final status code;
//   - framing: the byte offset where the final response ends (so the next response on a kept
//     connection starts at the same byte for both), and whether its body ran to the close;
//   - whether the connection may be reused (keep-alive), given the response complete.
// An input only one of them accepts is not a disagreement: the bench is stricter on purpose
// (obsolete folding, conflicting lengths, 15 hex digits of chunk size) and Beast has limits of
// its own. Where Beast decides keep-alive from fields the RFCs do not let decide it, the oracle
// takes Beast's answer without them rather than the bench copying Beast (see beast_parse):
//   - a Connection field in the chunked trailer section, which Beast applies as if in the header;
//   - Proxy-Connection, a field no HTTP/1.1 RFC defines, which Beast reads as Connection;
//   - on HTTP/1.0, a "close" listed beside "keep-alive", which Beast lets keep-alive override.
// The bench parser must also give the same result whether the bytes arrive at once or split at
// any point (the first input byte picks the split), as a socket delivers them.
// This is the one fuzz translation unit that includes Beast.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/bench/response_parser.hpp"

#include <boost/beast/http.hpp>

#include <cctype>
#include <optional>
#include <string>

namespace {

namespace http = boost::beast::http;
using kms::bench::ResponseParser;
using kms::fuzz::require;

struct Parsed {
    int status = 0;
    std::size_t end = 0;  // offset just past the final response
    bool until_close = false;
    bool keep_alive = false;
};

std::string describe(const Parsed& p) {
    return "status " + std::to_string(p.status) + ", ends at " + std::to_string(p.end) +
           (p.until_close ? ", body to close" : "") + (p.keep_alive ? ", keep-alive" : ", close");
}

// The bench parser, the bytes fed in two pieces: [0, split) then the rest.
std::optional<Parsed> bench_parse(std::string_view bytes, std::size_t split, std::string* error) {
    ResponseParser p;
    p.reset();
    std::size_t pos = 0;
    for (std::string_view piece : {bytes.substr(0, split), bytes.substr(split)}) {
        std::size_t used = 0;
        auto r = p.feed(piece.data(), piece.size(), &used);
        pos += used;
        if (r == ResponseParser::Result::error) {
            *error = p.error();
            return std::nullopt;
        }
        if (r == ResponseParser::Result::done) return Parsed{p.status(), pos, false, p.keep_alive()};
    }
    auto r = p.finish_eof();
    if (r != ResponseParser::Result::done) {
        *error = p.error();
        return std::nullopt;
    }
    return Parsed{p.status(), bytes.size(), true, p.keep_alive()};
}

// Beast reads "Proxy-Connection" as "Connection" (basic_parser::do_field), a field no HTTP/1.1
// RFC defines: persistence is decided by Connection and the version alone (RFC 9112 §9.3), so the
// bench ignores it ("Proxy-Connection: close" on HTTP/1.1: Beast close, bench keep-alive). Beast
// is given the bytes with each such field name at a line start renamed, same length, so framing
// offsets are unchanged and its keep-alive is the RFC's.
std::string without_proxy_connection(std::string_view bytes) {
    static constexpr std::string_view kName = "proxy-connection:";
    std::string out(bytes);
    for (std::size_t nl = out.find('\n'); nl != std::string::npos; nl = out.find('\n', nl + 1)) {
        if (out.size() - (nl + 1) < kName.size()) break;
        bool match = true;
        for (std::size_t i = 0; i < kName.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(out[nl + 1 + i])) == kName[i];
        if (match) out[nl + 1] = 'X';
    }
    return out;
}

// Whether the header's Connection fields list "close". Beast's keep_alive() ignores it on HTTP/1.0
// when "keep-alive" is listed too, but "close" comes first in RFC 9112 §9.3's rules ("If the
// "close" connection option is present, the connection will not persist", before the HTTP/1.0
// keep-alive rule), as the bench reads it (found by CI's fuzzing of the one-walk parser).
bool lists_close(const http::fields& fields) {
    auto [first, last] = fields.equal_range(http::field::connection);
    for (auto it = first; it != last; ++it)
        for (const auto& token : http::token_list{it->value()})
            if (boost::beast::iequals(token, "close")) return true;
    return false;
}

// Beast: one parser per message, interim 1xx skipped as the bench does. Keep-alive is Beast's
// answer once the header section is parsed: Beast also applies Connection fields of a chunked
// message's trailer section (do_field runs on trailer fields), but a recipient must not merge a
// trailer field into the header section unless its definition allows it (RFC 9110 §6.5.1,
// §6.5.2; Connection's does not, RFC 9110 §7.6.1) and may discard trailers (RFC 9112 §7.1.2), as
// the bench does ("0\r\nConnection: close\r\n\r\n": Beast close, bench keep-alive; found by
// fuzz_bench_response in a 10-minute run).
std::optional<Parsed> beast_parse(std::string_view original) {
    const std::string renamed = without_proxy_connection(original);
    const std::string_view bytes = renamed;
    std::size_t pos = 0;
    for (int message = 0; message <= ResponseParser::kMaxInterim; ++message) {
        bool by_eof = false;
        std::optional<bool> header_keep_alive;
        http::response_parser<http::string_body> p;
        p.eager(false);  // put() returns once the header is done: its keep-alive is read there
        p.header_limit(static_cast<std::uint32_t>(ResponseParser::kMaxHeaderBytes));
        p.body_limit(ResponseParser::kMaxBodyBytes);
        boost::beast::error_code ec;
        while (!p.is_done()) {
            const std::size_t n = pos < bytes.size() ? p.put(boost::asio::buffer(bytes.data() + pos, bytes.size() - pos), ec) : 0;
            pos += n;
            if (ec && ec != http::error::need_more) return std::nullopt;
            ec = {};
            if (!header_keep_alive && p.is_header_done()) {
                header_keep_alive = p.keep_alive() && !lists_close(p.get().base());
                p.eager(true);
            }
            if (n > 0) continue;
            // No progress: everything there is was given, so this is the end of the input.
            p.put_eof(ec);
            if (ec) return std::nullopt;
            by_eof = true;
            break;
        }
        const int status = static_cast<int>(p.get().result_int());
        if (status >= 100 && status < 200 && status != 101) continue;  // interim: the next one is the answer
        // A body to the close is already known once the header is done (Beast's flagNeedEOF).
        return Parsed{status, pos, by_eof, header_keep_alive.value_or(p.keep_alive())};
    }
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t split = data[0] % size;
    const std::string_view bytes = kms::fuzz::as_text(data + 1, size - 1);

    std::string whole_error, split_error;
    auto ours = bench_parse(bytes, bytes.size(), &whole_error);
    auto ours_split = bench_parse(bytes, std::min(split, bytes.size()), &split_error);
    require(ours.has_value() == ours_split.has_value(), "the bench parser's verdict does not depend on how bytes arrive",
            (ours ? describe(*ours) : whole_error) + " vs " + (ours_split ? describe(*ours_split) : split_error));
    if (ours) {
        require(ours->status == ours_split->status && ours->end == ours_split->end &&
                    ours->keep_alive == ours_split->keep_alive,
                "the bench parser's result does not depend on how bytes arrive", describe(*ours) + " vs " + describe(*ours_split));
    }

    // Only when the bench accepts: its limits (8 MiB body) then bound what Beast's string_body
    // reserves for a declared Content-Length (a 133 GB one ran the oracle out of memory).
    if (!ours) return 0;
    auto theirs = beast_parse(bytes);
    if (!theirs) return 0;
    const std::string both = "bench: " + describe(*ours) + "; beast: " + describe(*theirs);
    require(ours->status == theirs->status, "bench and Beast agree on the status", both);
    require(ours->end == theirs->end && ours->until_close == theirs->until_close,
            "bench and Beast agree on where the response ends", both);
    require(ours->keep_alive == theirs->keep_alive, "bench and Beast agree on keep-alive", both);
    return 0;
}
