// The seed contract's schemas and the harness's own format checks, seen failing on responses
// that break them and passing on ones that keep them.
#include "harness/contract/formats.hpp"
#include "harness/contract/json_text.hpp"
#include "tests/harness/test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace kms {
namespace {

std::vector<SchemaViolation> validate(const SchemaValidator& schema, const std::string& json) {
    std::string error;
    auto doc = parse_json(json, &error);
    EXPECT_TRUE(doc) << error;
    return doc ? schema.validate(*doc) : std::vector<SchemaViolation>{};
}

const SchemaValidator& operation_schema() { return *test::seed_contract().response(200)->schema; }
const SchemaValidator& problem_schema() { return *test::seed_contract().response(400)->schema; }

TEST(OperationSchema, AcceptsRealExampleAndEmptyObject) {
    EXPECT_TRUE(validate(operation_schema(), test::kGoodOperation).empty());
    EXPECT_TRUE(validate(operation_schema(), "{}").empty()) << "no member of operation is required";
}

TEST(OperationSchema, AcceptsEveryEnumValue) {
    for (const char* state : {"failure", "pending", "success", "timeout"})
        EXPECT_TRUE(validate(operation_schema(), std::string(R"({"state":")") + state + "\"}").empty()) << state;
    for (const char* reason : {"incorrect", "unknown", "unavailable", "forbidden", "busy", "fault", "partial",
                               "not-found", "interrupted", "unsupported", "conflict"})
        EXPECT_TRUE(validate(operation_schema(), std::string(R"({"reason":")") + reason + "\"}").empty()) << reason;
}

TEST(OperationSchema, RejectsStateDone) {
    auto v = validate(operation_schema(), R"({"state":"done"})");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "/state");
    EXPECT_NE(v[0].message.find("\"done\""), std::string::npos) << v[0].message;
}

TEST(OperationSchema, RejectsReasonTimeout) {
    // "timeout" is a state, not a reason: the two enums must not be confused.
    auto v = validate(operation_schema(), R"({"state":"failure","reason":"timeout"})");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "/reason");
}

TEST(OperationSchema, ReportsEveryViolationWithItsPointer) {
    auto v = validate(operation_schema(), R"({"state":"done","reason":"timeout","reference":{"id":7,"link":[]}})");
    std::vector<std::string> pointers;
    for (const auto& x : v) pointers.push_back(x.pointer);
    std::sort(pointers.begin(), pointers.end());
    EXPECT_EQ(pointers, (std::vector<std::string>{"/reason", "/reference/id", "/reference/link", "/state"}));
}

// Found by fuzz_response_checks: valijson 1.0 casts a "format" instance to a string first, and
// a non-empty object or array cannot be cast, so a server answering {"id": {"x": 1}} aborted
// kmsconf. A format constrains strings only (draft 7 §7.1): the type error is the verdict.
TEST(OperationSchema, AFormatOnAnObjectOrArrayIsATypeErrorNotACrash) {
    auto v = validate(operation_schema(), R"({"id":{"x":1},"reference":{"id":["a","b"]}})");
    std::vector<std::string> pointers;
    for (const auto& x : v) pointers.push_back(x.pointer);
    std::sort(pointers.begin(), pointers.end());
    EXPECT_EQ(pointers, (std::vector<std::string>{"/id", "/reference/id"}));
}

TEST(SchemaValidator, DateTimeIsCheckedOnStringsOnlyAndReportedOnce) {
    const auto dir = std::filesystem::temp_directory_path() / ("kms-format-guard-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "s.json") << R"({"type":"object","properties":{"at":{"type":"string","format":"date-time"},
        "list":{"type":"array","items":{"format":"date-time","enum":["2026-01-01T00:00:00Z",{"format":1}]}}}})";
    const auto schema = SchemaValidator::from_file(dir / "s.json");
    std::filesystem::remove_all(dir);
    EXPECT_TRUE(validate(*schema, R"({"at":"2026-01-01T00:00:00Z","list":["2026-01-01T00:00:00Z"]})").empty());
    auto bad_date = validate(*schema, R"({"at":"yesterday"})");
    ASSERT_EQ(bad_date.size(), 1u) << "one error, not the guard's conditional summary besides";
    EXPECT_EQ(bad_date[0].pointer, "/at");
    EXPECT_NE(bad_date[0].message.find("date-time"), std::string::npos) << bad_date[0].message;
    auto object = validate(*schema, R"({"at":{"a":1}})");
    ASSERT_EQ(object.size(), 1u);
    EXPECT_EQ(object[0].pointer, "/at");
    // The enum's data keeps its "format" member: {"format":1} is an allowed value as written.
    EXPECT_TRUE(validate(*schema, R"({"list":[{"format":1}]})").empty());
    // The file's own schema, as check_formats walks it, still names the format.
    EXPECT_TRUE(schema->document()["properties"]["at"].HasMember("format"));
}

TEST(ProblemSchema, AcceptsRealProblem) { EXPECT_TRUE(validate(problem_schema(), test::kGoodProblem).empty()); }

TEST(ProblemSchema, RejectsStatus600AndStatus99) {
    auto v = validate(problem_schema(), R"({"type":"about:blank","title":"x","status":600,"detail":"d"})");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "/status");
    EXPECT_EQ(validate(problem_schema(), R"({"type":"about:blank","title":"x","status":99,"detail":"d"})").size(), 1u);
    EXPECT_TRUE(validate(problem_schema(), R"({"type":"about:blank","title":"x","status":599,"detail":"d"})").empty());
}

TEST(ProblemSchema, RejectsMissingTitle) {
    auto v = validate(problem_schema(), R"({"type":"about:blank","status":400,"detail":"d"})");
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "");
    EXPECT_NE(v[0].message.find("title"), std::string::npos) << v[0].message;
}

TEST(ProblemSchema, RejectsStatusAsString) {
    EXPECT_EQ(validate(problem_schema(), R"({"type":"t","title":"x","status":"400","detail":"d"})").size(), 1u);
}

TEST(Formats, UuidInOperationIdAndReference) {
    std::string error;
    auto bad = parse_json(R"({"id":"op-123","reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0"}})", &error);
    ASSERT_TRUE(bad);
    auto v = check_formats(operation_schema().document(), *bad);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "/id");
    EXPECT_EQ(v[0].format, "uuid");
    auto good = parse_json(test::kGoodOperation, &error);
    EXPECT_TRUE(check_formats(operation_schema().document(), *good).empty());
    auto bad_ref = parse_json(R"({"reference":{"id":"{a02baf5a-a3e4-49a0-857b-8a08d276c1c0}"}})", &error);
    auto v2 = check_formats(operation_schema().document(), *bad_ref);
    ASSERT_EQ(v2.size(), 1u);
    EXPECT_EQ(v2[0].pointer, "/reference/id");
}

TEST(Formats, UriReferenceInProblemType) {
    std::string error;
    auto bad = parse_json(R"({"type":"not a uri ref","title":"t","status":400,"detail":"d","instance":"/ok"})", &error);
    ASSERT_TRUE(bad);
    auto v = check_formats(problem_schema().document(), *bad);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].pointer, "/type");
    EXPECT_EQ(v[0].format, "uri-reference");
}

TEST(Formats, UriReferenceGrammar) {
    for (const char* ok : {"", "about:blank", "#/http-problem-types/bad-request", "/v2/kms-key/x", "https://a.b/c?d=e#f",
                           "relative/path", "?q=1", "urn:uuid:a02baf5a-a3e4-49a0-857b-8a08d276c1c0", "%41b",
                           "http://[::1]:80/x", "./a:b"})
        EXPECT_TRUE(is_uri_reference(ok)) << ok;
    for (const char* bad : {"not a uri ref", "a b", "1http://x", "http://x/<y>", "%4", "%zz", "a#b#c", "\"quoted\"",
                            "back\\slash", "a:b:c:\x01", "é"})
        EXPECT_FALSE(is_uri_reference(bad)) << bad;
}

// The bench builds its requests from this, so the contract's path is the one measured.
TEST(Contract, OperationPathPutsTheKeyInTheTemplate) {
    EXPECT_EQ(test::seed_contract().method(), "POST");
    EXPECT_EQ(test::seed_contract().operation_path("a02baf5a-a3e4-49a0-857b-8a08d276c1c0"),
              "/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate");
}

TEST(Contract, OperationPathWithoutAnIdParameterIsAnError) {
    // The seed contract with its path's {id} renamed: the bench must not send a path with a
    // placeholder left in it.
    const auto seed = std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / "2026-03-31";
    const auto dir = std::filesystem::temp_directory_path() / ("kmsconf-contract-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::copy(seed, dir);
    std::ifstream in(seed / "contract.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string from = "\"path\": \"/kms-key/{id}/replicate\"";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), "\"path\": \"/kms-key/{key}/replicate\"");
    std::ofstream(dir / "contract.json", std::ios::trunc) << text;
    const Contract renamed = Contract::load(dir);
    std::filesystem::remove_all(dir);
    EXPECT_THROW(renamed.operation_path("a02baf5a-a3e4-49a0-857b-8a08d276c1c0"), std::runtime_error);
}

}  // namespace
}  // namespace kms
