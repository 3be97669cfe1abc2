// A test origin for kmsconf end to end: the reference server's contract (ReplicateService)
// behind a raw HTTP/1.1 front that behaves like Go's net/http where it matters here. A request
// it cannot parse gets, ~3 ms later, Go's plain-text 400 and a close, as net/http answers one;
// so a client that writes stray bytes (a second last chunk) has them answered, and a client that
// reads such an answer as the next case's response is caught. It can also misbehave: send an
// unsolicited extra response after each 400 it answers.
#pragma once

#include "server/replicate_service.hpp"
#include "tests/support/test_server.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace kms::test {

struct OriginOptions {
    server::ServiceOptions service;
    bool extra_response_after_400 = false;
};

class GoLikeOrigin {
public:
    explicit GoLikeOrigin(OriginOptions options);
    std::string base_url() const { return server_->url() + "/v2"; }
    int unparsable() const { return unparsable_.load(); }        // requests answered with Go's 400
    int extra_responses() const { return extra_responses_.load(); }
    Recorder& unparsable_bytes() { return unparsable_bytes_; }  // what could not be parsed

private:
    void serve(Conn& c);

    OriginOptions options_;
    server::ReplicateService service_;
    std::atomic<int> unparsable_{0};
    std::atomic<int> extra_responses_{0};
    Recorder unparsable_bytes_;
    std::unique_ptr<TestServer> server_;  // last: stopped first, while the rest still exists
};

}  // namespace kms::test
