// Problem bodies, written by hand since issue 27, against what RapidJSON's Writer made of the
// same problem before: the same bytes for every byte value in a title or detail (quotes,
// backslashes, control characters, DEL, UTF-8 and stray high bytes) and every problem style.
#include "server/json_responses.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <gtest/gtest.h>

namespace kms::server::detail {
namespace {

// The former make_problem body.
std::string rapidjson_body(int status, std::string_view title, std::string_view detail, const ProblemStyle& style) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
    w.StartObject();
    w.Key("type");
    str(style.bad_type ? std::string("not a uri ref") : problem_type_for(title));
    if (!(style.missing_title && status == 400)) {
        w.Key("title");
        str(title);
    }
    w.Key("status");
    w.Int(style.status_mismatch && status == 400 ? 422 : status);
    w.Key("detail");
    str(detail);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

TEST(ProblemJson, TheBytesRapidJsonWroteForEveryByteAndStyle) {
    std::string every_byte;
    for (int c = 1; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
    const std::string details[] = {"", "Conflict: key a02baf5a is already replicated to zone de-fra-1",
                                   "quote \" backslash \\ slash / tab \t newline \n nul-free \x7f end",
                                   every_byte, "z\xc3\xa9 \xe2\x82\xac \xff\xfe", std::string("a\0b", 3)};
    const std::pair<int, const char*> titles[] = {{400, "Bad Request"}, {405, "Method Not Allowed"},
                                                  {431, "Request Header Fields Too Large"}, {500, "Odd \"title\"\x01"}};
    for (const auto& [status, title] : titles)
        for (const auto& detail : details)
            for (int flags = 0; flags < 8; ++flags) {
                ProblemStyle style;
                style.bad_type = flags & 1;
                style.status_mismatch = flags & 2;
                style.missing_title = flags & 4;
                const HttpResponse res = make_problem(status, title, detail, style);
                EXPECT_EQ(res.body, rapidjson_body(status, title, detail, style)) << status << " flags " << flags;
                EXPECT_EQ(res.status, status);
            }
}

// The detail is scanned eight bytes at a time: each byte value in every place of a word, and in
// the bytes after the last whole word, beside plain bytes and beside a second byte to escape.
TEST(ProblemJson, EveryByteInEveryPlaceOfAWord) {
    for (int c = 0; c < 256; ++c)
        for (std::size_t at = 0; at < 21; ++at)
            for (const char neighbour : {'x', '"'}) {
                std::string detail(21, 'x');
                detail[at] = static_cast<char>(c);
                detail[(at + 3) % detail.size()] = neighbour;
                const HttpResponse res = make_problem(400, "Bad Request", detail, ProblemStyle{});
                ASSERT_EQ(res.body, rapidjson_body(400, "Bad Request", detail, ProblemStyle{}))
                    << "byte " << c << " at " << at << " beside " << neighbour;
            }
}

}  // namespace
}  // namespace kms::server::detail
