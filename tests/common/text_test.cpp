#include "common/http_types.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

TEST(Text, IequalsAndToLowerAndTrim) {
    EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
    EXPECT_FALSE(iequals("Content-Type", "Content-Typ"));
    EXPECT_EQ(to_lower("AbC-1"), "abc-1");
    EXPECT_EQ(trim(" \t a b \r\n"), "a b");
    EXPECT_EQ(trim("  "), "");
}

TEST(Text, MediaType) {
    EXPECT_EQ(media_type("Application/JSON; charset=utf-8"), "application/json");
    EXPECT_EQ(media_type("  application/problem+json  "), "application/problem+json");
    EXPECT_EQ(media_type("text/plain;"), "text/plain");
    for (const char* ct : {"Application/JSON; charset=utf-8", "  application/json  ", "application/json;", "application/jsonx",
                           "application/problem+json", "", ";application/json", "application /json"})
        EXPECT_EQ(media_type_is(ct, "application/json"), media_type(ct) == "application/json") << ct;
    EXPECT_EQ(media_type(""), "");
}

TEST(Text, IsUuidAcceptsBothCases) {
    EXPECT_TRUE(is_uuid("a02baf5a-a3e4-49a0-857b-8a08d276c1c0"));
    EXPECT_TRUE(is_uuid("A02BAF5A-A3E4-49A0-857B-8A08D276C1C0"));
    EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(Text, IsUuidRejectsOtherForms) {
    const char* bad[] = {
        "{a02baf5a-a3e4-49a0-857b-8a08d276c1c0}",
        "urn:uuid:a02baf5a-a3e4-49a0-857b-8a08d276c1c0",
        "a02baf5a-a3e4-49a0-857b-8a08d276c1c",     // short
        "a02baf5a-a3e4-49a0-857b-8a08d276c1c00",   // long
        "g02baf5a-a3e4-49a0-857b-8a08d276c1c0",    // non-hex
        "a02baf5aa3e449a0857b8a08d276c1c0",        // no dashes
        "a02baf5a-a3e4-49a0-857b_8a08d276c1c0",    // wrong separator
        "a02baf5a-a3e449a0--857b-8a08d276c1c0",    // dash misplaced
        " a02baf5a-a3e4-49a0-857b-8a08d276c1c",
        "",
    };
    for (const char* s : bad) EXPECT_FALSE(is_uuid(s)) << s;
}

TEST(Text, RandomUuidIsVersion4AndFresh) {
    std::string a = random_uuid(), b = random_uuid();
    ASSERT_TRUE(is_uuid(a)) << a;
    EXPECT_EQ(a, to_lower(a));
    EXPECT_EQ(a[14], '4');
    EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
    EXPECT_NE(a, b);
}

TEST(Text, JsonNestingDepth) {
    EXPECT_EQ(json_nesting_depth(""), 0u);
    EXPECT_EQ(json_nesting_depth("\"x\""), 0u);
    EXPECT_EQ(json_nesting_depth("{}"), 1u);
    EXPECT_EQ(json_nesting_depth("{\"a\":[1,{\"b\":[]}],\"c\":{}}"), 4u);
    EXPECT_EQ(json_nesting_depth(std::string(1000, '[') + std::string(1000, ']')), 1000u);
}

TEST(Text, JsonNestingDepthIgnoresBracketsInStrings) {
    EXPECT_EQ(json_nesting_depth("{\"a\":\"[[[{{{\"}"), 1u);
    // An escaped quote does not end the string, an escaped backslash does not escape the quote.
    EXPECT_EQ(json_nesting_depth("[\"\\\"[[[\"]"), 1u);
    EXPECT_EQ(json_nesting_depth("[\"\\\\\",[[]]]"), 3u);
}

TEST(HttpTypes, FindHeaderIsCaseInsensitiveFirstWins) {
    Headers h{{"Content-Type", "a"}, {"content-type", "b"}};
    EXPECT_EQ(find_header(h, "CONTENT-TYPE"), "a");
    EXPECT_FALSE(find_header(h, "Accept").has_value());
}

TEST(HttpTypes, TargetPathAndQuery) {
    EXPECT_EQ(target_path("/v2/x?a=1?b"), "/v2/x");
    EXPECT_EQ(target_query("/v2/x?a=1?b"), "a=1?b");
    EXPECT_EQ(target_query("/v2/x"), "");
    EXPECT_EQ(target_path("/v2/x"), "/v2/x");
}

}  // namespace
}  // namespace kms
