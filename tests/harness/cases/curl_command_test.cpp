#include "harness/cases/curl_command.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

namespace kms {
namespace {

const BaseUrl kBase{false, "127.0.0.1", 8080, "/v2"};

TEST(CurlCommand, PlainBodyAndRedactedAuthorization) {
    HttpRequest r{"POST", "/v2/kms-key/k/replicate",
                  {{"Content-Type", "application/json"}, {"Authorization", "EXO2-HMAC-SHA256 credential=EXO1,expires=1,signature=SECRETSIG"}},
                  R"({"zone":"it's"})"};
    std::string cmd = curl_command(kBase, r);
    EXPECT_EQ(cmd.find("SECRETSIG"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find("Authorization: [REDACTED]"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find(R"(--data-binary '{"zone":"it'\''s"}')"), std::string::npos) << cmd;
    EXPECT_NE(cmd.find("'http://127.0.0.1:8080/v2/kms-key/k/replicate'"), std::string::npos) << cmd;
}

// The printf pipeline must reproduce NULs and invalid UTF-8 byte for byte: run it through sh.
TEST(CurlCommand, BinaryBodyRoundTripsThroughTheShell) {
    const char raw[] = "{\"zone\":\"\x00\xff\\%'\"}";
    std::string body(raw, sizeof raw - 1);
    HttpRequest r{"POST", "/x", {}, body};
    std::string cmd = curl_command(kBase, r);
    auto pipe_at = cmd.find(" | curl");
    ASSERT_NE(pipe_at, std::string::npos) << cmd;
    std::string printf_part = cmd.substr(0, pipe_at);
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(printf_part.c_str(), "r"), pclose);
    ASSERT_TRUE(p);
    std::string out;
    std::array<char, 256> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
    EXPECT_EQ(out, body);
}

TEST(CurlCommand, NoContentTypeMeansNone) {
    HttpRequest r{"POST", "/x", {}, "{}"};
    std::string cmd = curl_command(kBase, r);
    EXPECT_NE(cmd.find("-H 'Content-Type:'"), std::string::npos) << cmd;
}

}  // namespace
}  // namespace kms
