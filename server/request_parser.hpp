// Beast's HTTP/1.1 request parser writing straight into the service's HttpRequest: the framing,
// limits and errors are basic_parser's (the same as beast::http::request_parser's), but the
// fields and body go where the service reads them, instead of into a beast::http::fields list
// (an allocation per field) that was then copied field by field. For http_server.cpp only.
#pragma once

#include "common/http_types.hpp"

#include <boost/beast/http/basic_parser.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace kms::server {

class RequestParser final : public boost::beast::http::basic_parser<true> {
public:
    using error_code = boost::beast::error_code;

    // Parses into `request`, which the connection keeps from one request to the next: its strings
    // and field list keep what they allocated for the last request and are written over, instead
    // of being allocated anew for every request (most requests on a connection look alike). What
    // grew large (a big body, a long field list) is given back, so that thousands of idle
    // connections do not each hold one. request().headers is the new request's once its header
    // is done (is_header_done()); before, it may still list the last request's fields.
    explicit RequestParser(HttpRequest& request) : request_(request) {
        request_.method.clear();
        request_.target.clear();
        if (request_.body.capacity() > kKeptBodyCapacity) std::string().swap(request_.body);
        request_.body.clear();
        if (request_.headers.size() > kKeptFields) Headers().swap(request_.headers);
        // Room for a usual request's fields at once, not grown field by field.
        if (request_.headers.capacity() < 12) request_.headers.reserve(12);
    }

    HttpRequest& request() { return request_; }
    unsigned version() const { return version_; }  // 10 or 11, once the request line is in
    std::string_view expect() const { return expect_; }

private:
    void on_request_impl(boost::beast::http::verb, std::string_view method, std::string_view target, int version,
                         error_code&) override {
        overwrite(request_.method, method);
        overwrite(request_.target, target);
        version_ = version == 10 ? 10 : 11;
    }
    // clear() and append() instead of assign(): assign() goes through the general replace, which
    // allows for the source lying inside the string, and costs twice as much.
    static void overwrite(std::string& to, std::string_view from) {
        to.clear();
        to.append(from);
    }
    void on_response_impl(int, std::string_view, int, error_code&) override {}
    void on_field_impl(boost::beast::http::field name, std::string_view name_string, std::string_view value,
                       error_code&) override {
        if (fields_ < request_.headers.size()) {
            Header& reused = request_.headers[fields_];
            overwrite(reused.name, name_string);
            overwrite(reused.value, value);
        } else {
            request_.headers.push_back({std::string(name_string), std::string(value)});
        }
        ++fields_;
        if (name == boost::beast::http::field::expect) expect_.assign(value);
    }
    void on_header_impl(error_code&) override { request_.headers.resize(fields_); }
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        // The body limit is basic_parser's; what passed it is reserved at once.
        if (length) request_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1 << 20)));
    }
    std::size_t on_body_impl(std::string_view body, error_code&) override {
        request_.body.append(body);
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, std::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, std::string_view body, error_code&) override {
        request_.body.append(body);
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    static constexpr std::size_t kKeptBodyCapacity = 16 * 1024;
    static constexpr std::size_t kKeptFields = 32;

    HttpRequest& request_;
    std::size_t fields_ = 0;  // fields of this request so far: request_.headers[0, fields_)
    unsigned version_ = 11;
    std::string expect_;
};

}  // namespace kms::server
