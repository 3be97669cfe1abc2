// The body checker classifies each failure (the faults accept-malformed and
// server-error-on-garbage depend on the class, not just on "400").
#include "server/request_body.hpp"

#include <gtest/gtest.h>

namespace kms::server::detail {
namespace {

TEST(RequestBodyTest, ClassifiesEachFailure) {
    EXPECT_EQ(check_replicate_body("").error, BodyError::empty);
    EXPECT_EQ(check_replicate_body(std::string(65, '[')).error, BodyError::too_deep);
    EXPECT_EQ(check_replicate_body("{").error, BodyError::unparsable);
    EXPECT_EQ(check_replicate_body(std::string("{}\0", 3)).error, BodyError::unparsable);
    EXPECT_EQ(check_replicate_body("\xEF\xBB\xBF{\"zone\":\"a\"}").error, BodyError::unparsable);
    EXPECT_EQ(check_replicate_body("[]").error, BodyError::not_object);
    EXPECT_EQ(check_replicate_body(R"({"zone":"a","zone":"b"})").error, BodyError::duplicate_zone);
    EXPECT_EQ(check_replicate_body(R"({"zon":"a"})").error, BodyError::zone_missing);
    EXPECT_EQ(check_replicate_body(R"({"zone":false})").error, BodyError::zone_not_string);
    EXPECT_EQ(check_replicate_body(R"({"zone":""})").error, BodyError::zone_empty);
}

TEST(RequestBodyTest, ReturnsTheZoneWithEscapesDecoded) {
    auto ok = check_replicate_body(" {\"other\":[1,2],\"zone\":\"de-fr\\u0061-1\"}\r\n");
    EXPECT_EQ(ok.error, BodyError::none);
    EXPECT_EQ(ok.zone, "de-fra-1");
    auto nul = check_replicate_body(R"({"zone":"a\u0000b"})");
    EXPECT_EQ(nul.error, BodyError::none);
    EXPECT_EQ(nul.zone, std::string("a\0b", 3));
}

TEST(RequestBodyTest, DetailsStartWithInvalidArgument) {
    for (const char* body : {"", "{", "[]", "{}", R"({"zone":1})"}) {
        auto c = check_replicate_body(body);
        EXPECT_EQ(c.detail.rfind("Invalid Argument: ", 0), 0u) << c.detail;
    }
}

// The compact body's fast path and the strict parse agree on every body one byte away from the
// compact form (each byte replaced by each value, one byte dropped or added), and on the forms
// around it.
TEST(RequestBodyTest, TheCompactBodyReadsAsTheStrictParseReadsIt) {
    auto same = [](const std::string& body) {
        const BodyCheck fast = check_replicate_body(body), strict = check_replicate_body_parsed(body);
        EXPECT_EQ(static_cast<int>(fast.error), static_cast<int>(strict.error)) << body;
        EXPECT_EQ(fast.detail, strict.detail) << body;
        EXPECT_EQ(fast.zone, strict.zone) << body;
    };
    const std::string compact = R"({"zone":"de-fra-1"})";
    for (std::size_t i = 0; i < compact.size(); ++i) {
        for (int c = 0; c < 256; ++c) {
            std::string b = compact;
            b[i] = static_cast<char>(c);
            same(b);
        }
        same(compact.substr(0, i) + compact.substr(i + 1));
        same(compact.substr(0, i) + "a" + compact.substr(i));
    }
    for (const char* b : {R"({"zone":""})", R"({"zone":"a"})", R"({"zone":"de-fra-1","zone":"x"})", R"({"zone":"x"}})",
                          R"({"zone":"\u0064e"})", R"( {"zone":"de-fra-1"})", "{\"zone\":\"de-fra-1\"}\n", R"({"zone":"-"})",
                          R"({"zone":"DE-FRA-1"})", R"({"zone":"de_fra"})", "", "{}", R"({"zone":"})"})
        same(b);
    EXPECT_EQ(check_replicate_body(compact).zone, "de-fra-1");
}

}  // namespace
}  // namespace kms::server::detail
