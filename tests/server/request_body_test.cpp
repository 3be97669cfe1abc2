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

}  // namespace
}  // namespace kms::server::detail
