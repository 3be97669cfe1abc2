// An incremental HTTP/1.x response parser for the load engine: it frames responses (status,
// Content-Length, chunked, read-until-close, interim 1xx) and decides whether the connection
// may be reused, but keeps no body: a benchmark needs the status and the end of the response,
// not the bytes. Allocation-free once warm (the header buffer keeps its capacity), and plain
// C++ so that it is tested without sockets and keeps Asio out of this translation unit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kms::bench {

class ResponseParser {
public:
    enum class Result { need_more, done, error };

    static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
    static constexpr std::uint64_t kMaxBodyBytes = 8 * 1024 * 1024;
    static constexpr int kMaxInterim = 8;

    // Ready for the next response.
    void reset();

    // Consumes bytes of the response. *consumed receives how many were used; after `done`,
    // bytes beyond *consumed were not part of this response.
    Result feed(const char* data, std::size_t size, std::size_t* consumed);
    // The peer closed the connection: completes a body delimited by close, else an error.
    Result finish_eof();

    int status() const { return status_; }
    // False when the connection must not be reused: `Connection: close`, HTTP/1.0 without
    // keep-alive, or a body delimited by close.
    bool keep_alive() const { return keep_alive_; }
    // Some bytes of a response have arrived (an EOF now is "mid-response", not "no response").
    bool started() const { return state_ != State::header || !header_.empty(); }
    const std::string& error() const { return error_; }

private:
    enum class State { header, fixed_body, chunk_size, chunk_data, chunk_data_end, trailers, until_close, done, failed };

    Result fail(std::string why);
    enum class HeaderScan { incomplete, parsed, failed };
    // Parses the header block at the start of `bytes` in place, if it is whole there: *end is
    // then the index past its blank line, and the body state is set.
    HeaderScan parse_header(std::string_view bytes, std::size_t* end);
    // One line of chunked framing (size line or trailer) is gathered in line_.
    bool take_line(const char* data, std::size_t size, std::size_t* used, bool* complete);

    State state_ = State::header;
    std::string header_;
    std::string line_;
    std::uint64_t remaining_ = 0;   // fixed body or current chunk
    std::uint64_t body_bytes_ = 0;  // total, for the body limit
    int status_ = 0;
    int interim_ = 0;
    bool keep_alive_ = true;
    std::string error_;
};

}  // namespace kms::bench
