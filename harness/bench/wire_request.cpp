#include "wire_request.hpp"

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
    std::string out;
    out.reserve(256 + spec_.target.size() + spec_.body.size());
    out += spec_.method;
    out += ' ';
    out += spec_.target;
    out += " HTTP/1.1\r\nHost: ";
    out += host_header_;
    out += "\r\nUser-Agent: kmsconf-bench/0.1\r\nAccept: application/json\r\n";
    if (!spec_.content_type.empty()) out += "Content-Type: " + spec_.content_type + "\r\n";
    // Always a length, 0 included: a body-less POST without one may be refused (411).
    out += "Content-Length: " + std::to_string(spec_.body.size()) + "\r\n";
    if (credentials_)
        out += "Authorization: " +
               exo2_authorization(*credentials_, spec_.method, spec_.target, spec_.body,
                                  unix_now + kSignatureValiditySeconds) +
               "\r\n";
    if (connection_close_) out += "Connection: close\r\n";
    out += "\r\n";
    out += spec_.body;
    return out;
}

const std::shared_ptr<const std::string>& WireRequest::bytes(std::int64_t unix_now) {
    if (credentials_ && unix_now != signed_at_) {
        bytes_ = std::make_shared<const std::string>(serialise(unix_now));
        signed_at_ = unix_now;
    }
    return bytes_;
}

}  // namespace kms::bench
