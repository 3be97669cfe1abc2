#include "harness/proxy/message_reader.hpp"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <limits>
#include <optional>

namespace kms::proxy {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// Beast's parser with callbacks that keep what judging needs and nothing more.
template <bool isRequest>
class Capture final : public http::basic_parser<isRequest> {
public:
    explicit Capture(std::size_t keep) : keep_(keep) {}

    std::string method, target;
    int status = 0;
    int version = 11;
    Headers headers;
    std::string body;
    bool cut = false;

private:
    void keep(beast::string_view piece) {
        const std::size_t room = keep_ - std::min(keep_, body.size());
        body.append(piece.data(), std::min(room, piece.size()));
        if (piece.size() > room) cut = true;
    }
    void on_request_impl(http::verb, beast::string_view m, beast::string_view t, int v, error_code&) override {
        method.assign(m.data(), m.size());
        target.assign(t.data(), t.size());
        version = v;
    }
    void on_response_impl(int code, beast::string_view, int v, error_code&) override {
        status = code;
        version = v;
    }
    void on_field_impl(http::field, beast::string_view name, beast::string_view value, error_code&) override {
        headers.push_back({std::string(name.data(), name.size()), std::string(value.data(), value.size())});
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
    std::size_t on_body_impl(beast::string_view piece, error_code&) override {
        keep(piece);
        return piece.size();
    }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view piece, error_code&) override {
        keep(piece);
        return piece.size();
    }
    void on_finish_impl(error_code&) override {}

    std::size_t keep_;
};

}  // namespace

struct MessageReader::Impl {
    Impl(Kind k, std::size_t keep, std::size_t limit) : kind(k), header_limit(limit) {
        // One parser, of the kind read: a message is read per exchange and direction.
        if (kind == Kind::request) request.emplace(keep);
        else response.emplace(keep);
    }
    Kind kind;
    std::optional<Capture<true>> request;
    std::optional<Capture<false>> response;
    bool fed = false;
    // Beast checks its header_limit only while a header is incomplete: a header that arrives
    // whole in one read may exceed it, one that arrives in pieces may not. The limit is held
    // here, on the header's size once it is done, so that the verdict does not depend on how
    // the bytes arrive (found by fuzz_proxy_messages).
    std::size_t header_limit;
    std::size_t consumed = 0;  // of this message, so far
    bool header_checked = false;
    // The unconsumed bytes put() last asked more than: Beast's parser must not be called again
    // until more have come (it asserts, in parse_chunk_header, that the bytes it saw grew;
    // found by fuzz_proxy_messages).
    std::size_t waiting = 0;

    template <class F>
    decltype(auto) with(F&& f) {
        if (kind == Kind::request) return f(*request);
        return f(*response);
    }
    template <class F>
    decltype(auto) with(F&& f) const {
        if (kind == Kind::request) return f(*request);
        return f(*response);
    }
};

MessageReader::MessageReader(Kind kind, std::size_t header_limit, std::size_t keep_body)
    : impl_(std::make_unique<Impl>(kind, keep_body, header_limit)) {
    impl_->with([&](auto& p) {
        p.eager(false);  // put() stops after the header, so its size is known; then eager
        p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(header_limit, std::numeric_limits<std::uint32_t>::max())));
        // The body streams through; only keep_body bytes of it are held, so its size is not ours to
        // limit. The largest value, not boost::none: Beast 1.74 compares a length with an empty
        // optional as greater than it, and refuses every Content-Length body.
        p.body_limit(std::numeric_limits<std::uint64_t>::max());
    });
}

MessageReader::~MessageReader() = default;

MessageReader::Fed MessageReader::feed(std::string_view bytes) {
    Fed out;
    if (!bytes.empty()) impl_->fed = true;
    Impl& m = *impl_;
    if (bytes.size() <= m.waiting) return out;  // nothing new since it asked for more
    m.waiting = 0;
    m.with([&](auto& p) {
        std::size_t total = 0;
        // put() takes what it can; a header split across reads needs the next bytes appended.
        while (!p.is_done() && total < bytes.size()) {
            error_code ec;
            const std::size_t n = p.put(boost::asio::const_buffer(bytes.data() + total, bytes.size() - total), ec);
            if (ec && ec != http::error::need_more) {
                out.error = ec.message();
                break;
            }
            if (!m.header_checked && p.is_header_done()) {
                m.header_checked = true;
                if (m.consumed + total + n > m.header_limit) {
                    out.error = http::make_error_code(http::error::header_limit).message();
                    break;
                }
                p.eager(true);
            }
            total += n;
            if (ec == http::error::need_more || n == 0) {
                m.waiting = bytes.size() - total;
                break;
            }
        }
        out.consumed = total;
    });
    m.consumed += out.consumed;
    return out;
}

std::string MessageReader::feed_eof() {
    return impl_->with([&](auto& p) -> std::string {
        error_code ec;
        p.put_eof(ec);
        return ec ? ec.message() : std::string();
    });
}

void MessageReader::expect_no_body() {
    impl_->with([](auto& p) { p.skip(true); });
}

bool MessageReader::started() const { return impl_->fed; }
bool MessageReader::header_done() const {
    return impl_->with([](const auto& p) { return p.is_header_done(); });
}
bool MessageReader::done() const {
    return impl_->with([](const auto& p) { return p.is_done(); });
}
bool MessageReader::keep_alive() const {
    return impl_->with([](const auto& p) { return p.keep_alive(); });
}
int MessageReader::status() const { return impl_->response ? impl_->response->status : 0; }
int MessageReader::version() const {
    return impl_->with([](const auto& p) { return p.version; });
}
bool MessageReader::body_cut() const {
    return impl_->with([](const auto& p) { return p.cut; });
}

HttpRequest MessageReader::request_head() const {
    const auto& p = *impl_->request;
    return HttpRequest{p.method, p.target, p.headers, {}};
}

HttpRequest MessageReader::request_so_far() const {
    HttpRequest r = request_head();
    r.body = impl_->request->body;
    return r;
}

HttpRequest MessageReader::take_request() {
    auto& p = *impl_->request;
    return HttpRequest{std::move(p.method), std::move(p.target), std::move(p.headers), std::move(p.body)};
}

HttpResponse MessageReader::take_response() {
    auto& p = *impl_->response;
    HttpResponse r;
    r.status = p.status;
    r.headers = std::move(p.headers);
    r.body = std::move(p.body);
    return r;
}

}  // namespace kms::proxy
