// The proxy's framing (harness/proxy/message_reader.cpp): the bytes of one direction of a
// connection, read message after message as the proxy reads them, kept in a buffer across
// reads. The first input byte picks the direction (request or response) and where the bytes are
// split in two reads. Properties:
//   - no read consumes more than it was given;
//   - the messages, where each ends and what is kept of it, do not depend on how the bytes
//     arrive (whole, or in two reads). Only when bytes that are not HTTP are refused may: Beast
//     finds some faults of an unfinished header as soon as it sees them whole and others only
//     once the header ends, so one way may refuse what the other still waits on. The proxy
//     relays such bytes blind either way; the messages before them must be the same;
//   - what is kept of a body is at most the keep limit, and the cut flag says when more passed.
#include "fuzz/fuzz_input.hpp"
#include "fuzz/fuzz_target.hpp"
#include "harness/proxy/message_reader.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

using kms::fuzz::require;
using kms::proxy::MessageReader;

constexpr std::size_t kKeep = 16;  // small, so that cutting is exercised

struct Message {
    std::size_t end = 0;  // offset just past it
    std::string head, body;
    bool cut = false;
    bool operator==(const Message& o) const { return end == o.end && head == o.head && body == o.body && cut == o.cut; }
};

std::string describe(const std::vector<Message>& ms) {
    std::string out;
    for (const auto& m : ms) out += "[" + std::to_string(m.end) + " " + m.head + " body " + std::to_string(m.body.size()) + (m.cut ? " cut" : "") + "]";
    return out;
}

// The messages the bytes hold, delivered in reads of [0, split) and the rest, the unconsumed
// bytes kept for the next feed as the proxy keeps them.
std::vector<Message> read_all(MessageReader::Kind kind, std::string_view bytes, std::size_t split) {
    std::vector<Message> out;
    std::string pending;
    std::size_t offset = 0;  // of pending's first byte in `bytes`
    MessageReader reader(kind, 1024, kKeep);
    auto* current = &reader;
    std::unique_ptr<MessageReader> next;
    for (std::string_view piece : {bytes.substr(0, split), bytes.substr(split)}) {
        pending.append(piece);
        while (!pending.empty()) {
            const auto fed = current->feed(pending);
            require(fed.consumed <= pending.size(), "a feed consumes at most what it was given");
            if (!fed.error.empty()) {  // not HTTP: the proxy relays the rest blind
                Message refused;
                refused.end = offset;
                refused.head = "refused: " + fed.error;
                out.push_back(std::move(refused));
                return out;
            }
            pending.erase(0, fed.consumed);
            offset += fed.consumed;
            if (!current->done()) break;  // it waits for more bytes
            Message m;
            m.end = offset;
            m.cut = current->body_cut();
            if (kind == MessageReader::Kind::request) {
                const auto r = current->take_request();
                m.head = r.method + " " + r.target;
                m.body = r.body;
            } else {
                const auto r = current->take_response();
                m.head = std::to_string(r.status);
                m.body = r.body;
            }
            require(m.body.size() <= kKeep, "what is kept of a body is at most the keep limit");
            out.push_back(std::move(m));
            if (out.size() > bytes.size()) return out;  // each message takes at least one byte
            next = std::make_unique<MessageReader>(kind, 1024, kKeep);
            current = next.get();
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto kind = data[0] & 1 ? MessageReader::Kind::response : MessageReader::Kind::request;
    const std::string_view bytes = kms::fuzz::as_text(data + 1, size - 1);
    const std::size_t split = bytes.empty() ? 0 : (data[0] >> 1) % bytes.size();
    const auto whole = read_all(kind, bytes, bytes.size());
    const auto in_two = read_all(kind, bytes, split);
    const auto framed = [](std::vector<Message> ms) {
        if (!ms.empty() && ms.back().head.rfind("refused: ", 0) == 0) ms.pop_back();
        return ms;
    };
    require(framed(whole) == framed(in_two), "the messages do not depend on how the bytes arrive",
            describe(whole) + " vs " + describe(in_two));
    return 0;
}
