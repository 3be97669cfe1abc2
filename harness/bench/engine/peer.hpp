// Where the load's connections go: the target resolved, and its TLS context built, once per
// run before any shard starts. Opaque here (it holds Asio types, defined in connection.hpp) so
// that the run's set-up code stays plain C++.
#pragma once

#include "harness/bench/engine/load_engine.hpp"

#include <memory>
#include <string>

namespace kms::bench {

struct Peer;
struct PeerDeleter {
    void operator()(Peer* peer) const;
};
using PeerPtr = std::unique_ptr<Peer, PeerDeleter>;

// nullptr with *error set ("resolve host:port: ...", "tls setup: ...") when the run cannot start.
PeerPtr resolve_peer(const LoadTarget& target, std::string* error);

}  // namespace kms::bench
