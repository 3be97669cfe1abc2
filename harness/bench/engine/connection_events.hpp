// The small interface between a connection and the shard that drives it: a connection does one
// request at a time and reports what became of it here; it knows nothing of schedules, caps or
// counters. Plain C++.
#pragma once

#include "harness/bench/engine/load_engine.hpp"

#include <chrono>
#include <string>

namespace kms::bench {

class Connection;

// One complete response and its times.
struct Exchange {
    int status = 0;
    std::chrono::steady_clock::time_point intended;  // when it was due (open loop) or sent
    std::chrono::steady_clock::time_point started;   // when it was actually sent
    std::chrono::steady_clock::time_point done;      // when the response was complete
    bool measured = false;                           // outside the warm-up
    // Set when this request opened its connection (always in closed-new-conn): the phases, as
    // curl's time_connect / time_appconnect split them, but each apart: TCP connect is
    // started..connected, the TLS handshake connected..secured (https only), the request
    // itself request_sent..done.
    bool opened_connection = false;
    bool tls = false;
    bool tls_resumed = false;  // the handshake resumed a session (--tls-resume)
    std::chrono::steady_clock::time_point connected, secured, request_sent;
};

class ConnectionEvents {
public:
    virtual void connection_opened() = 0;  // a TCP connection came up
    virtual void preconnect_over() = 0;    // the set-up connect ended, opened or not
    // The request's outcome: one of these two, then ready() once the connection can be reused
    // (or reopened) for the next request.
    virtual void response(const Exchange& exchange) = 0;
    virtual void failure(ErrorKind kind, std::string detail, bool measured) = 0;
    virtual void ready(Connection& connection) = 0;

protected:
    ~ConnectionEvents() = default;
};

}  // namespace kms::bench
