#include "harness/bench/wire_request.hpp"

#include "harness/transport/request_serializer.hpp"

namespace kms::bench {

std::string wire_bytes(const RequestSpec& spec, const std::string& host_header,
                       const std::optional<Exo2Credentials>& credentials, bool connection_close, std::int64_t unix_now) {
    HttpRequest request{spec.method, spec.target, {}, spec.body};
    auto add = [&](std::string name, std::string value) { request.headers.push_back({std::move(name), std::move(value)}); };
    add("User-Agent", "kmsconf-bench/0.1");
    add("Accept", "application/json");
    if (!spec.content_type.empty()) add("Content-Type", spec.content_type);
    // Always a length, 0 included: a body-less POST without one may be refused (411).
    add("Content-Length", std::to_string(spec.body.size()));
    if (credentials)
        add("Authorization", exo2_authorization(*credentials, spec.method, spec.target, spec.body,
                                                unix_now + kSignatureValiditySeconds));
    if (connection_close) add("Connection", "close");
    // The harness's serializer: Host first, then these headers as listed (they set User-Agent
    // and Content-Length, so it adds neither).
    return serialize_request(request, host_header, "");
}

WireRequest::WireRequest(RequestSpec spec, const BaseUrl& base, std::optional<Exo2Credentials> credentials,
                         bool connection_close)
    : spec_(std::move(spec)),
      host_header_(base.host_header()),
      credentials_(std::move(credentials)),
      connection_close_(connection_close) {
    bytes_ = std::make_shared<const std::string>(wire_bytes(spec_, host_header_, credentials_, connection_close_, 0));
}

const std::shared_ptr<const std::string>& WireRequest::bytes(std::int64_t unix_now) {
    if (credentials_ && unix_now != signed_at_) {
        bytes_ = std::make_shared<const std::string>(wire_bytes(spec_, host_header_, credentials_, connection_close_, unix_now));
        signed_at_ = unix_now;
    }
    return bytes_;
}

namespace {

class SameRequestFeed final : public RequestFeed {
public:
    explicit SameRequestFeed(WireRequest request) : request_(std::move(request)) {}
    std::shared_ptr<const std::string> next(std::int64_t unix_now) override { return request_.bytes(unix_now); }

private:
    WireRequest request_;
};

}  // namespace

std::unique_ptr<RequestFeed> WireRequest::feed() const { return std::make_unique<SameRequestFeed>(*this); }

}  // namespace kms::bench
