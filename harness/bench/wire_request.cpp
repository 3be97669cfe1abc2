#include "harness/bench/wire_request.hpp"

#include "harness/transport/request_serializer.hpp"

namespace kms::bench {

WireRequest::WireRequest(RequestSpec spec, const BaseUrl& base, std::optional<Exo2Credentials> credentials,
                         bool connection_close)
    : spec_(std::move(spec)),
      host_header_(base.host_header()),
      credentials_(std::move(credentials)),
      connection_close_(connection_close) {
    bytes_ = std::make_shared<const std::string>(serialise(0));
}

std::string WireRequest::serialise(std::int64_t unix_now) const {
    HttpRequest request{spec_.method, spec_.target, {}, spec_.body};
    auto add = [&](std::string name, std::string value) { request.headers.push_back({std::move(name), std::move(value)}); };
    add("User-Agent", "kmsconf-bench/0.1");
    add("Accept", "application/json");
    if (!spec_.content_type.empty()) add("Content-Type", spec_.content_type);
    // Always a length, 0 included: a body-less POST without one may be refused (411).
    add("Content-Length", std::to_string(spec_.body.size()));
    if (credentials_)
        add("Authorization", exo2_authorization(*credentials_, spec_.method, spec_.target, spec_.body,
                                                unix_now + kSignatureValiditySeconds));
    if (connection_close_) add("Connection", "close");
    // The harness's serializer: Host first, then these headers as listed (they set User-Agent
    // and Content-Length, so it adds neither).
    return serialize_request(request, host_header_, "");
}

const std::shared_ptr<const std::string>& WireRequest::bytes(std::int64_t unix_now) {
    if (credentials_ && unix_now != signed_at_) {
        bytes_ = std::make_shared<const std::string>(serialise(unix_now));
        signed_at_ = unix_now;
    }
    return bytes_;
}

}  // namespace kms::bench
