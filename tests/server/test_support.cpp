#include "tests/server/test_support.hpp"

#include "common/text.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace kms::server::test {

HttpRequest replicate_request(std::string_view key_id, std::string body, std::optional<std::string> content_type) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/v2/kms-key/" + std::string(key_id) + "/replicate";
    if (content_type) req.headers.push_back({"Content-Type", *content_type});
    req.body = std::move(body);
    return req;
}

HttpRequest zone_request(std::string_view key_id, std::string_view zone) {
    return replicate_request(key_id, "{\"zone\":\"" + std::string(zone) + "\"}");
}

HttpRequest get_request(std::string target) {
    HttpRequest req;
    req.method = "GET";
    req.target = std::move(target);
    return req;
}

HttpRequest key_request(std::string_view key_id) { return get_request("/v2/kms-key/" + std::string(key_id)); }

std::vector<std::string> replicas_of(const HttpResponse& key_read) {
    std::vector<std::string> out;
    auto doc = parse_json(key_read.body);
    if (!doc.IsObject() || !doc.HasMember("replicas") || !doc["replicas"].IsArray()) return out;
    for (const auto& zone : doc["replicas"].GetArray()) out.push_back(zone.IsString() ? zone.GetString() : "?");
    return out;
}

rapidjson::Document parse_json(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
    if (doc.HasParseError()) doc.SetNull();
    return doc;
}

::testing::AssertionResult IsProblem(const HttpResponse& res, int status, std::string_view detail_prefix) {
    auto fail = [&](const std::string& why) {
        return ::testing::AssertionFailure() << why << "\n  status " << res.status << "\n  body " << res.body;
    };
    if (res.status != status) return fail("HTTP status is not " + std::to_string(status));
    auto ct = res.header("Content-Type");
    if (!ct || media_type(*ct) != "application/json") return fail("Content-Type is not application/json");
    auto doc = parse_json(res.body);
    if (!doc.IsObject()) return fail("body is not a JSON object");
    if (!doc.HasMember("type") || !doc["type"].IsString()) return fail("no string `type`");
    std::string type = doc["type"].GetString();
    if (type.rfind("#/http-problem-types/", 0) != 0 || type.find(' ') != std::string::npos)
        return fail("`type` is not #/http-problem-types/<name>");
    if (!doc.HasMember("title") || !doc["title"].IsString() || doc["title"].GetStringLength() == 0)
        return fail("no string `title`");
    if (!doc.HasMember("status") || !doc["status"].IsInt() || doc["status"].GetInt() != status)
        return fail("`status` member does not equal " + std::to_string(status));
    if (!doc.HasMember("detail") || !doc["detail"].IsString()) return fail("no string `detail`");
    std::string detail = doc["detail"].GetString();
    if (detail.rfind(detail_prefix, 0) != 0) return fail("detail does not start with '" + std::string(detail_prefix) + "'");
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsOperation(const HttpResponse& res, std::string_view key_id, std::string_view state,
                                       std::string* op_id) {
    auto fail = [&](const std::string& why) {
        return ::testing::AssertionFailure() << why << "\n  status " << res.status << "\n  body " << res.body;
    };
    if (res.status != 200) return fail("HTTP status is not 200");
    auto ct = res.header("Content-Type");
    if (!ct || media_type(*ct) != "application/json") return fail("Content-Type is not application/json");
    auto doc = parse_json(res.body);
    if (!doc.IsObject()) return fail("body is not a JSON object");
    if (!doc.HasMember("id") || !doc["id"].IsString() || !is_uuid(doc["id"].GetString()))
        return fail("`id` is not a uuid");
    if (!doc.HasMember("state") || !doc["state"].IsString() || doc["state"].GetString() != std::string(state))
        return fail("`state` is not " + std::string(state));
    if (!doc.HasMember("reference") || !doc["reference"].IsObject()) return fail("no `reference` object");
    const auto& ref = doc["reference"];
    if (!ref.HasMember("id") || !ref["id"].IsString() || ref["id"].GetString() != std::string(key_id))
        return fail("reference.id is not " + std::string(key_id));
    if (!ref.HasMember("link") || !ref["link"].IsString() ||
        ref["link"].GetString() != "/v2/kms-key/" + std::string(key_id))
        return fail("reference.link is not /v2/kms-key/<id>");
    if (!ref.HasMember("command") || !ref["command"].IsString() ||
        ref["command"].GetString() != std::string("replicate-kms-key"))
        return fail("reference.command is not replicate-kms-key");
    if (op_id) *op_id = doc["id"].GetString();
    return ::testing::AssertionSuccess();
}

RawConnection::RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send_all(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void RawConnection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void RawConnection::abort() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
}

long RawConnection::read_more(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r <= 0) return -1;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return -1;
    pending_.append(buf, static_cast<std::size_t>(n));
    return n;
}

std::optional<std::string> RawConnection::Response::header(std::string_view name) const {
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
        std::size_t end = head.find("\r\n", pos + 2);
        std::string_view line(head.data() + pos + 2, (end == std::string::npos ? head.size() : end) - pos - 2);
        auto colon = line.find(':');
        if (colon != std::string_view::npos && iequals(line.substr(0, colon), name))
            return std::string(trim(line.substr(colon + 1)));
        pos = end;
    }
    return std::nullopt;
}

std::optional<RawConnection::Response> RawConnection::read_response(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    return read_http_response(pending_, [&] { return read_more(deadline); });
}

std::optional<RawConnection::Response> read_http_response(std::string& pending, const std::function<long()>& read_more) {
    using Response = RawConnection::Response;
    std::size_t head_end;
    while ((head_end = pending.find("\r\n\r\n")) == std::string::npos)
        if (read_more() <= 0) return std::nullopt;
    Response res;
    res.head = pending.substr(0, head_end);
    pending.erase(0, head_end + 4);
    if (res.head.size() < 12 || res.head.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    res.status = std::atoi(res.head.c_str() + 9);
    if (auto cl = res.header("Content-Length")) {
        std::size_t len = std::strtoul(cl->c_str(), nullptr, 10);
        while (pending.size() < len)
            if (read_more() <= 0) return std::nullopt;
        res.body = pending.substr(0, len);
        pending.erase(0, len);
    } else if (res.status >= 200 && res.status != 204 && res.status != 304) {
        long n = 0;
        while ((n = read_more()) > 0) {
        }
        if (n < 0) return std::nullopt;  // no framing and no EOF: not a usable response
        res.body = std::move(pending);
        pending.clear();
    }
    return res;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;  // EOF or reset
    }
}

std::string raw_replicate(std::string_view key_id, std::string_view body, bool close) {
    std::string req = "POST /v2/kms-key/" + std::string(key_id) + "/replicate HTTP/1.1\r\n";
    req += "Host: 127.0.0.1\r\nContent-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (close) req += "Connection: close\r\n";
    req += "\r\n";
    req += body;
    return req;
}

}  // namespace kms::server::test
