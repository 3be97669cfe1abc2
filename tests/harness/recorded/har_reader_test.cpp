// HAR files read back (harness/recorded/har_reader.hpp): what kmsconf's own exchanges.har
// holds comes back byte for byte (base64 and cut bodies said as such), a browser's shape is
// read, and anything that is not HAR 1.2 is refused naming the JSON pointer of the first problem.
#include "harness/recorded/har_reader.hpp"
#include "harness/report/har_writer.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace kms {
namespace {

const RunInfo kInfo{*parse_base_url("http://127.0.0.1:8080/v2", nullptr), "2026-03-31"};

TEST(HarReader, ReadsBackWhatKmsconfWrote) {
    RunTally t;
    CaseResult r;
    HttpRequest signed_request = test::replicate_request();
    signed_request.target += "?a=1";
    r.requests.push_back(signed_request);
    r.exchanges.push_back(test::json_exchange(400, test::kGoodProblem));
    r.requests.push_back(test::replicate_request(std::string("{\"zone\":\"\xff\xfe\"}")));  // not UTF-8
    r.exchanges.push_back(test::json_exchange(200, std::string(100000, 'x'), "text/plain"));  // cut at 64 KiB
    r.requests.push_back(test::replicate_request());
    Exchange none;
    none.error = TransportError::timeout;
    r.exchanges.push_back(none);
    Case c = test::any_case();
    t.add(c, r);

    const auto read = parse_har(har_text(t, kInfo), "exchanges.har");
    ASSERT_EQ(read.size(), 3u);
    EXPECT_EQ(read[0].pointer, "/log/entries/0");
    EXPECT_EQ(read[0].request.method, "POST");
    EXPECT_EQ(read[0].request.target, signed_request.target);
    EXPECT_EQ(read[0].url, "http://127.0.0.1:8080" + signed_request.target);
    EXPECT_EQ(read[0].request.body, signed_request.body);
    EXPECT_EQ(find_header(read[0].request.headers, "Content-Type"), "application/json");
    ASSERT_TRUE(read[0].response);
    EXPECT_EQ(read[0].response->status, 400);
    EXPECT_EQ(read[0].response->body, test::kGoodProblem);
    EXPECT_NE(read[0].comment.find("case "), std::string::npos) << read[0].comment;

    EXPECT_EQ(read[1].request.body, std::string("{\"zone\":\"\xff\xfe\"}")) << "base64 decoded";
    ASSERT_TRUE(read[1].response);
    EXPECT_EQ(read[1].response->body, std::string(kHarBodyCap, 'x'));
    EXPECT_TRUE(read[1].response_body_cut);
    EXPECT_FALSE(read[1].request_body_cut);

    EXPECT_FALSE(read[2].response) << "status 0: no answer";
}

TEST(HarReader, ABodyTheRecorderDidNotKeepIsUnknownNotEmpty) {
    // Chromium keeps none of a body the page never read: no text, size -1 (or the body's).
    auto entry = [](const std::string& content) {
        return R"({"log":{"version":"1.2","entries":[{"time":1,"request":{"method":"GET","url":"http://h/v2/x","headers":[]},)"
               R"("response":{"status":200,"headers":[],"content":)" + content + "}}]}}";
    };
    EXPECT_TRUE(parse_har(entry(R"({"size":-1,"mimeType":"application/json"})"), "x")[0].response_body_cut);
    EXPECT_TRUE(parse_har(entry(R"({"size":120})"), "x")[0].response_body_cut);
    EXPECT_FALSE(parse_har(entry(R"({"size":0})"), "x")[0].response_body_cut) << "known empty";
    EXPECT_FALSE(parse_har(entry(R"({"size":2,"text":"{}"})"), "x")[0].response_body_cut);
}

TEST(HarReader, ReadsABrowsersShape) {
    // As Chromium's DevTools export it: extra members, a base64 response, no postData.
    const std::string har = R"({"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
      "pages":[],"entries":[{"startedDateTime":"2026-12-07T10:00:00.000Z","time":12.5,"_priority":"High",
      "request":{"method":"GET","url":"https://api-ch-gva-2.exoscale.com/v2/operation/abc#frag","httpVersion":"http/2.0",
        "headers":[{"name":":authority","value":"api-ch-gva-2.exoscale.com"}],"queryString":[],"cookies":[],
        "headersSize":-1,"bodySize":0},
      "response":{"status":200,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"content-type","value":"application/json"}],
        "cookies":[],"content":{"size":2,"mimeType":"application/json","text":"e30=","encoding":"base64"},
        "redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":100},
      "cache":{},"timings":{"send":1,"wait":10,"receive":1.5}}]}})";
    const auto read = parse_har(har, "devtools.har");
    ASSERT_EQ(read.size(), 1u);
    EXPECT_EQ(read[0].request.target, "/v2/operation/abc");
    EXPECT_TRUE(read[0].request.body.empty());
    ASSERT_TRUE(read[0].response);
    EXPECT_EQ(read[0].response->body, "{}");
    EXPECT_FALSE(read[0].response_body_cut);
    EXPECT_EQ(read[0].time, std::chrono::microseconds(12500));
    EXPECT_EQ(read[0].started, 1796637600) << "startedDateTime in Unix seconds, to verify signatures at";
}

std::string refusal(const std::string& har) {
    try {
        parse_har(har, "x.har");
    } catch (const HarError& e) {
        return e.pointer + " | " + e.what();
    }
    return "accepted";
}

TEST(HarReader, RefusesWhatIsNotHarNamingTheFirstProblem) {
    const std::string entry_ok =
        R"({"time":1,"request":{"method":"POST","url":"http://h/v2/x","headers":[]},)"
        R"("response":{"status":200,"headers":[],"content":{"size":0}}})";
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":[)" + entry_ok + "]}}"), "accepted");
    EXPECT_EQ(refusal("{\"log\":"), " | x.har: not JSON: Invalid value. at byte 7");
    EXPECT_EQ(refusal("[]"), " | x.har: not a HAR file: the top level is not an object");
    EXPECT_EQ(refusal(R"({"lo":{}})"), " | x.har: no member 'log'");
    EXPECT_EQ(refusal(R"({"log":{"version":"1.0","entries":[]}})"), "/log/version | x.har: at /log/version: HAR version '1.0', not 1.2");
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":{}}})"), "/log/entries | x.har: at /log/entries: not an array");
    const std::string bad_url =
        R"({"time":1,"request":{"method":"POST","url":"/v2/x","headers":[]},"response":{"status":200,"headers":[],"content":{}}})";
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":[)" + entry_ok + "," + bad_url + "]}}"),
              "/log/entries/1/request/url | x.har: at /log/entries/1/request/url: not an absolute URL: '/v2/x'");
    const std::string bad_header =
        R"({"time":1,"request":{"method":"POST","url":"http://h/","headers":[{"name":"a"}]},"response":{"status":0}})";
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":[)" + bad_header + "]}}"),
              "/log/entries/0/request/headers/0 | x.har: at /log/entries/0/request/headers/0: no member 'value'");
    const std::string huge_status =
        R"({"time":1,"request":{"method":"GET","url":"http://h/","headers":[]},"response":{"status":1.11111e+47}})";
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":[)" + huge_status + "]}}"),
              "/log/entries/0/response/status | x.har: at /log/entries/0/response/status: not a status code");
    const std::string bad_base64 =
        R"({"time":1,"request":{"method":"GET","url":"http://h/","headers":[]},)"
        R"("response":{"status":200,"headers":[],"content":{"text":"e30","encoding":"base64"}}})";
    EXPECT_EQ(refusal(R"({"log":{"version":"1.2","entries":[)" + bad_base64 + "]}}"),
              "/log/entries/0/response/content/text | x.har: at /log/entries/0/response/content/text: not valid base64");
}

std::string read_refusal(const std::filesystem::path& file) {
    try {
        read_har(file);
    } catch (const HarError& e) {
        return e.what();
    }
    return "read";
}

TEST(HarReader, AFileTooLargeOrMissingIsRefusedByName) {
    EXPECT_EQ(read_refusal("/nonexistent/x.har"), "/nonexistent/x.har: cannot read: No such file or directory");
    // Over 512 MiB, refused by its size before a byte is read (a sparse file: no disk is used).
    const auto big = std::filesystem::temp_directory_path() / ("kms-har-too-large-" + std::to_string(::getpid()) + ".har");
    std::ofstream(big).put('{');
    std::filesystem::resize_file(big, (512ull << 20) + 1);
    EXPECT_EQ(read_refusal(big), big.string() + ": 536870913 bytes, more than the 512 MiB a HAR file may have here");
    std::filesystem::remove(big);
    // And one of a sane size is read from the disk as parse_har reads its text.
    const auto small = std::filesystem::temp_directory_path() / ("kms-har-small-" + std::to_string(::getpid()) + ".har");
    std::ofstream(small) << R"({"log":{"version":"1.2","entries":[]}})";
    EXPECT_EQ(read_refusal(small), "read");
    std::filesystem::remove(small);
}

}  // namespace
}  // namespace kms
