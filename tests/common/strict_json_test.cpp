// The strict JSON reader on escaped surrogates (RFC 8259 §8.2): a proper pair is one character,
// any lone surrogate is refused at its escape's backslash, wherever it stands.
#include "common/lone_surrogates.hpp"
#include "common/strict_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kms {
namespace {

constexpr std::size_t kDepth = 32;

// The refusal of `text`, which must be refused.
JsonParseError refusal(const std::string& text) {
    JsonParseError error;
    EXPECT_FALSE(parse_strict_json(text, kDepth, &error)) << text << " was accepted";
    return error;
}

TEST(StrictJsonSurrogates, LoneLowSurrogateIsRefusedAtItsEscape) {
    for (const std::string text : {R"("\udedd")", R"("\udc00")", R"("\uDFFF")", R"(["a", "b\udc00"])"}) {
        auto error = refusal(text);
        EXPECT_EQ(error.offset, text.find('\\')) << text;
        EXPECT_NE(error.reason.find("lone surrogate"), std::string::npos) << text << ": " << error.reason;
        EXPECT_FALSE(error.too_deep);
    }
}

TEST(StrictJsonSurrogates, LoneLowSurrogateInAMemberNameIsRefused) {
    EXPECT_EQ(refusal(R"({"\udc00": 1})").offset, 2u);
}

TEST(StrictJsonSurrogates, LowThenHighIsNoPair) {
    // Both are lone; RapidJSON's own refusal of the unfollowed high one (offset 7) is reported.
    EXPECT_EQ(refusal(R"("\udc00\ud800")").offset, 7u);
}

TEST(StrictJsonSurrogates, HighSurrogateWithoutALowOneIsRefused) {
    for (const std::string text : {R"("\ud800")", R"("\ud800x")", R"("\ud800\u0041")", R"("\udbff\ud800")"}) {
        auto error = refusal(text);
        EXPECT_FALSE(error.reason.empty()) << text;
    }
}

TEST(StrictJsonSurrogates, FuzzerFindingIsRefused) {
    // fuzz/regressions/strict_json/escaped-lone-low-surrogate: \ud00d is no surrogate, \uded0 is
    // a lone low one; it decoded to ED BB 90, which the reader refused on reading it back.
    const std::string text = R"({"zo":"1\ud00d1\uded00-ra|-1\ud000"})";
    EXPECT_EQ(refusal(text).offset, 15u);
}

TEST(StrictJsonSurrogates, ProperPairIsOneCharacter) {
    JsonParseError error;
    auto doc = parse_strict_json(R"(["\ud83d\ude00", "\uD83D\uDE00x"])", kDepth, &error);
    ASSERT_TRUE(doc) << error.reason;
    EXPECT_EQ(std::string((*doc)[0].GetString()), "\xF0\x9F\x98\x80");
    EXPECT_EQ(std::string((*doc)[1].GetString()), "\xF0\x9F\x98\x80x");
}

TEST(StrictJsonSurrogates, EscapedBackslashBeforeUIsText) {
    JsonParseError error;
    auto doc = parse_strict_json(R"(["\\udc00", "\\\\ud800"])", kDepth, &error);
    ASSERT_TRUE(doc) << error.reason;
    EXPECT_EQ(std::string((*doc)[0].GetString()), "\\udc00");
    EXPECT_EQ(std::string((*doc)[1].GetString()), "\\\\ud800");
}

TEST(StrictJsonSurrogates, EarlierSyntaxErrorKeepsItsReport) {
    auto error = refusal(R"([1,,"\udc00"])");
    EXPECT_EQ(error.offset, 3u) << error.reason;
    EXPECT_EQ(error.reason.find("lone surrogate"), std::string::npos) << error.reason;
}

// Found by fuzz_strict_json (issue 23's CI run, 15 s): RapidJSON 1.1.0 reads some numbers past
// a double's range as infinity instead of refusing them, and such a document cannot be written
// back as JSON. Refused like the numbers RapidJSON refuses itself, at the number.
TEST(StrictJsonNumbers, ANumberBeyondADoublesRangeIsRefusedAtItsOffset) {
    for (const char* text : {"22222206474.6475e311", "2.2e308", "[1, {\"a\": \"-2e308\", \"b\": -2.2e308}]", "1e400"}) {
        JsonParseError error;
        EXPECT_FALSE(parse_strict_json(text, 32, &error)) << text;
        EXPECT_EQ(error.reason, "Number too big to be stored in double.") << text;
    }
    JsonParseError error;
    ASSERT_FALSE(parse_strict_json(R"([1, {"a": "-2e308", "b": -2.2e308}])", 32, &error));
    EXPECT_EQ(error.offset, 25u) << "at the number, not at the string that looks like one";
    EXPECT_TRUE(parse_strict_json("1.7e308", 32, &error));
    EXPECT_TRUE(parse_strict_json("-1.7976931348623157e308", 32, &error));
}

TEST(LoneSurrogateEscapes, OffsetsOfEachLoneOne) {
    EXPECT_EQ(lone_surrogate_escapes(R"("\ud800" "\udc00" "\ud83d\ude00" "\\ud800" "\ud800\u0041")"),
              (std::vector<std::size_t>{1, 10, 44}));
    EXPECT_TRUE(lone_surrogate_escapes(R"("\u0041\ud7ff\ue000")").empty()) << "neighbours of the range";
    EXPECT_EQ(lone_surrogate_escapes(R"("\ud800)"), (std::vector<std::size_t>{1})) << "at the very end";
    EXPECT_TRUE(lone_surrogate_escapes(R"("\ud80")").empty()) << "a truncated escape is the parser's to report";
}

}  // namespace
}  // namespace kms
