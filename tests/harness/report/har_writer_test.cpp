// exchanges.har without a run: a tally of canned exchanges written as HAR and read back, held
// against a JSON Schema of HAR 1.2 written from the spec (har-1.2.schema.json, next to this
// file), which is itself shown to refuse HARs that break it.
#include "harness/contract/schema_validator.hpp"
#include "harness/report/har_writer.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace kms {
namespace {

const std::filesystem::path kSchema = std::filesystem::path(KMSCONF_SOURCE_DIR) / "tests/harness/report/har-1.2.schema.json";
const char* const kSignature = "EXO2-HMAC-SHA256 credential=EXOkey,expires=1,signature=c2VjcmV0LXNpZ25hdHVyZQ==";

const RunInfo kInfo{*parse_base_url("http://127.0.0.1:8080/v2", nullptr), "2026-03-31"};

Case named(const std::string& id) {
    Case c = test::any_case();
    c.id = id;
    return c;
}

// Three cases, four exchanges: a signed one sent twice, one with a large binary body and one
// that got no response.
RunTally canned_run() {
    RunTally t;
    CaseResult twice;
    HttpRequest signed_request = test::replicate_request();
    signed_request.headers.push_back({"Authorization", kSignature});
    signed_request.target += "?a=1&b";
    for (int i = 0; i < 2; ++i) {
        twice.requests.push_back(signed_request);
        Exchange x = test::json_exchange(400, test::kGoodProblem);
        x.started_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764645000123));
        x.elapsed = std::chrono::milliseconds(3);
        x.connect_time = std::chrono::milliseconds(1);
        x.reused_connection = i == 1;
        twice.exchanges.push_back(x);
    }
    t.add(named("twice"), twice);

    CaseResult big;
    big.requests.push_back(test::replicate_request(std::string("{\"zone\":\"\xff\xfe\"}")));
    big.exchanges.push_back(test::json_exchange(200, std::string(100000, 'x'), "text/plain"));
    big.exchanges.back().response->body[5] = '\x80';  // not UTF-8: base64
    t.add(named("big"), big);

    CaseResult lost;
    lost.requests.push_back(test::replicate_request());
    Exchange none;
    none.error = TransportError::timeout;
    none.error_detail = "read 127.0.0.1:8080: timed out";
    lost.exchanges.push_back(none);
    t.add(named("lost"), lost);

    CaseResult skipped;
    skipped.verdict = Verdict::skipped;
    t.add(named("skipped"), skipped);
    return t;
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    return d;
}

std::vector<SchemaViolation> violations(const rapidjson::Document& d) {
    return SchemaValidator::from_file(kSchema)->validate(d);
}

TEST(HarWriter, EveryExchangeIsAnEntryValidAgainstHar12) {
    const std::string text = har_text(canned_run(), kInfo);
    const auto d = parse(text);
    ASSERT_FALSE(d.HasParseError()) << text.substr(0, 500);
    for (const auto& v : violations(d)) ADD_FAILURE() << v.pointer << ": " << v.message;
    EXPECT_STREQ(d["log"]["creator"]["name"].GetString(), "kmsconf");
    ASSERT_EQ(d["log"]["entries"].Size(), 4u);
    const auto& first = d["log"]["entries"][0];
    EXPECT_STREQ(first["startedDateTime"].GetString(), "2025-12-02T03:10:00.123Z");
    EXPECT_STREQ(first["comment"].GetString(), "case test.twice (send 1 of 2)");
    EXPECT_STREQ(first["request"]["url"].GetString(),
                 "http://127.0.0.1:8080/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate?a=1&b");
    EXPECT_EQ(first["request"]["queryString"].Size(), 2u);
    EXPECT_DOUBLE_EQ(first["timings"]["wait"].GetDouble(), 3.0);
    EXPECT_DOUBLE_EQ(first["timings"]["connect"].GetDouble(), 1.0);
    EXPECT_DOUBLE_EQ(first["time"].GetDouble(), 4.0);
    EXPECT_EQ(d["log"]["entries"][1]["timings"]["connect"].GetDouble(), -1) << "a reused connection";
    EXPECT_EQ(first["response"]["status"].GetInt(), 400);
    EXPECT_EQ(first["response"]["content"]["text"].GetString(), std::string(test::kGoodProblem));
}

TEST(HarWriter, TheAuthorizationValueIsRedactedAndTheWireHeadersShown) {
    const std::string text = har_text(canned_run(), kInfo);
    EXPECT_EQ(text.find("signature="), std::string::npos);
    EXPECT_EQ(text.find("c2VjcmV0"), std::string::npos);
    const auto d = parse(text);
    std::map<std::string, std::string> headers;
    for (const auto& h : d["log"]["entries"][0]["request"]["headers"].GetArray()) headers[h["name"].GetString()] = h["value"].GetString();
    EXPECT_EQ(headers["Authorization"], "[REDACTED]");
    EXPECT_EQ(headers["Host"], "127.0.0.1:8080") << "the client's own headers are shown as sent";
    EXPECT_EQ(headers["Content-Length"], "19");
}

TEST(HarWriter, BodiesAreCappedAndNonUtf8IsBase64) {
    const auto d = parse(har_text(canned_run(), kInfo));
    const auto& big = d["log"]["entries"][2];
    const auto& content = big["response"]["content"];
    EXPECT_EQ(content["size"].GetInt(), 100000);
    EXPECT_STREQ(content["encoding"].GetString(), "base64");
    EXPECT_EQ(std::string(content["text"].GetString()).size(), 4 * ((kHarBodyCap + 2) / 3));
    const std::string comment = big["comment"].GetString();
    EXPECT_NE(comment.find("response body cut to 65536 of 100000 bytes"), std::string::npos) << comment;
    EXPECT_STREQ(big["request"]["postData"]["_encoding"].GetString(), "base64");
    EXPECT_STREQ(big["request"]["postData"]["text"].GetString(), "eyJ6b25lIjoi//4ifQ==");
}

TEST(HarWriter, AnExchangeWithoutResponseIsStatusZeroWithItsError) {
    const auto d = parse(har_text(canned_run(), kInfo));
    const auto& lost = d["log"]["entries"][3];
    EXPECT_EQ(lost["response"]["status"].GetInt(), 0);
    EXPECT_STREQ(lost["response"]["_error"].GetString(), "read 127.0.0.1:8080: timed out");
    EXPECT_NE(std::string(lost["comment"].GetString()).find("no response: timeout"), std::string::npos);
}

// The schema is trusted only after it refuses what HAR 1.2 forbids.
TEST(HarWriter, TheSchemaRefusesBrokenHars) {
    const std::string good = har_text(canned_run(), kInfo);
    ASSERT_TRUE(violations(parse(good)).empty());
    auto broken = [&](auto change) {
        auto d = parse(good);
        change(d, d.GetAllocator());
        return !violations(d).empty();
    };
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["entries"][0].RemoveMember("timings"); }));
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["entries"][0]["response"].RemoveMember("redirectURL"); }));
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["entries"][0]["request"].RemoveMember("queryString"); }));
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["entries"][0]["timings"]["wait"].SetInt(-1); }));
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["entries"][0]["startedDateTime"].SetString("yesterday"); }));
    EXPECT_TRUE(broken([](auto& d, auto&) { d["log"]["version"].SetString("1.1"); }));
    EXPECT_TRUE(broken([](auto& d, auto& a) { d["log"]["entries"][0]["request"]["headers"][0]["value"].SetInt(1); (void)a; }));
}

}  // namespace
}  // namespace kms
