// Suite files: the shipped ones load, and a bad one is refused naming the file and the pointer.
#include "harness/cases/case_filter.hpp"
#include "harness/cases/suite.hpp"
#include "harness/checks/check_catalogue.hpp"

#include <rapidjson/pointer.h>

#include <gtest/gtest.h>

#include <fstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

const SchemaValidator& suite_schema() {
    static auto s = SchemaValidator::from_file(fs::path(KMSCONF_SOURCE_DIR) / "schemas" / "suite.schema.json");
    return *s;
}

class TempSuite : public testing::Test {
protected:
    fs::path dir = fs::temp_directory_path() / ("kmsconf-suite-test-" + std::to_string(::getpid()));
    void SetUp() override { fs::create_directories(dir); }
    void TearDown() override { fs::remove_all(dir); }
    fs::path write(const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return dir / name;
    }
    SuiteError load_error(const std::string& text) {
        auto f = write("bad.json", text);
        try {
            load_suites({f}, suite_schema());
        } catch (const SuiteError& e) {
            return e;
        }
        ADD_FAILURE() << "no SuiteError for: " << text;
        return SuiteError("", "", "");
    }
};

TEST(ShippedSuites, LoadAndMeetTheMinimumCounts) {
    auto suites = load_suites({fs::path(KMSCONF_SOURCE_DIR) / "suites"}, suite_schema());
    std::map<std::string, std::size_t> counts;
    for (const auto& s : suites) counts[s.name] += s.cases.size();
    EXPECT_GE(counts["valid"], 3u);
    EXPECT_GE(counts["malformed"], 6u);
    EXPECT_GE(counts["edge"], 3u);
}

TEST_F(TempSuite, ValidFileLoadsWithDefaults) {
    auto f = write("ok.json", R"({"suite":"s","description":"d","cases":[
        {"id":"a-case","requirement":"r","level":"SHOULD","request":{"bodyBase64":"AP8="},"expect":{"outcome":"rejected","status":[400]}}]})");
    auto suites = load_suites({f}, suite_schema());
    ASSERT_EQ(suites.size(), 1u);
    const Case& c = suites[0].cases.at(0);
    EXPECT_EQ(c.full_name(), "s.a-case");
    EXPECT_EQ(c.level, Level::should);
    EXPECT_EQ(c.request.method, "POST");
    EXPECT_EQ(c.request.body, std::string("\x00\xff", 2));
    EXPECT_TRUE(c.request.body_is_raw);
    EXPECT_EQ(c.expect.check, CheckId::malformed_rejected);
    EXPECT_EQ(c.line, 2) << "the line of the case's id, for CI annotations";
}

TEST_F(TempSuite, ScopeDefaultsToOperationAndReadsHttp) {
    auto f = write("scope.json", R"({"suite":"s","description":"d","cases":[
        {"id":"plain","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}},
        {"id":"proxied","requirement":"r","level":"MUST","scope":"http","request":{"method":"post"},"expect":{"outcome":"rejected"}}]})");
    auto suites = load_suites({f}, suite_schema());
    EXPECT_EQ(suites.at(0).cases.at(0).scope, Scope::operation);
    EXPECT_EQ(suites.at(0).cases.at(1).scope, Scope::http);
    EXPECT_EQ(load_error(R"({"suite":"s","description":"d","cases":[{"id":"x","requirement":"r","level":"MUST","scope":"proxy","request":{},"expect":{"outcome":"rejected"}}]})")
                  .pointer,
              "/cases/0/scope");
}

TEST_F(TempSuite, NotJsonNamesFile) {
    auto e = load_error("{\"suite\": ");
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
}

TEST_F(TempSuite, SchemaViolationNamesPointer) {
    auto e = load_error(R"({"suite":"s","description":"d","cases":[
        {"id":"ok","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}},
        {"id":"bad","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejectd"}}]})");
    EXPECT_EQ(e.pointer, "/cases/1/expect/outcome") << e.what();
}

TEST_F(TempSuite, NamedCheckIsReadFromTheCatalogue) {
    auto f = write("named.json", R"({"suite":"s","description":"d","cases":[
        {"id":"a-case","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected","check":"ignored_auth"}}]})");
    EXPECT_EQ(load_suites({f}, suite_schema()).at(0).cases.at(0).expect.check, CheckId::ignored_auth);
}

TEST_F(TempSuite, UnknownCheckFailsAtLoadNamingFileAndPointer) {
    auto e = load_error(R"({"suite":"s","description":"d","cases":[
        {"id":"ok","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}},
        {"id":"bad","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected","check":"body_shcema"}}]})");
    EXPECT_EQ(e.pointer, "/cases/1/expect/check") << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
}

// The schema's expect.check enum is the catalogue's names, in its order: a check added to the
// table and not to the schema (or the reverse) fails here, not in a user's suite file.
TEST(SuiteSchema, CheckEnumIsTheCatalogue) {
    const auto* list = rapidjson::Pointer("/definitions/expect/properties/check/enum").Get(suite_schema().document());
    ASSERT_TRUE(list && list->IsArray());
    std::vector<std::string> in_schema, in_table;
    for (const auto& v : list->GetArray()) in_schema.emplace_back(v.GetString());
    for (const auto& row : check_catalogue()) in_table.emplace_back(row.name);
    EXPECT_EQ(in_schema, in_table);
}

TEST(CheckCatalogue, RowsInIdOrderAndNamesRoundTrip) {
    const auto& all = check_catalogue();
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(static_cast<std::size_t>(all[i].id), i) << all[i].name;
        EXPECT_EQ(check_by_name(all[i].name), all[i].id) << all[i].name;
        EXPECT_STREQ(name_of(all[i].id), all[i].name);
        EXPECT_NE(std::string(all[i].requirement), "") << all[i].name;
    }
    EXPECT_EQ(check_by_name("no_such_check"), std::nullopt);
    EXPECT_EQ(check_by_name(""), std::nullopt);
}

TEST_F(TempSuite, BadIdAndUnknownMember) {
    EXPECT_EQ(load_error(R"({"suite":"s","description":"d","cases":[{"id":"Not_Kebab","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}}]})")
                  .pointer,
              "/cases/0/id");
    EXPECT_EQ(load_error(R"({"suite":"s","description":"d","cases":[{"id":"x","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"},"extra":1}]})")
                  .pointer.substr(0, 8),
              "/cases/0");
}

TEST_F(TempSuite, DuplicateIdsAcrossFiles) {
    write("a.json", R"({"suite":"a","description":"d","cases":[{"id":"same","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}}]})");
    write("b.json", R"({"suite":"b","description":"d","cases":[{"id":"same","requirement":"r","level":"MUST","request":{},"expect":{"outcome":"rejected"}}]})");
    try {
        load_suites({dir}, suite_schema());
        FAIL() << "duplicate ids accepted";
    } catch (const SuiteError& e) {
        EXPECT_NE(e.file.find("b.json"), std::string::npos);
        EXPECT_EQ(e.pointer, "/cases/0/id");
    }
}

TEST_F(TempSuite, MissingPathAndEmptyDirectory) {
    EXPECT_THROW(load_suites({dir / "nope.json"}, suite_schema()), SuiteError);
    EXPECT_THROW(load_suites({dir}, suite_schema()), SuiteError);
}

TEST(CaseFilter, GlobsIncludesAndExcludes) {
    EXPECT_TRUE(glob_match("malformed.*", "malformed.no-body"));
    EXPECT_TRUE(glob_match("*zone*", "zone-missing"));
    EXPECT_FALSE(glob_match("zone", "zone-missing"));
    Suite s{"malformed", "d", "f", {}};
    for (const char* id : {"no-body", "zone-missing", "zone-is-number"}) {
        Case c;
        c.suite = "malformed";
        c.id = id;
        s.cases.push_back(c);
    }
    EXPECT_EQ(select_cases({s}, "").size(), 3u);
    EXPECT_EQ(select_cases({s}, "zone-*").size(), 2u);
    EXPECT_EQ(select_cases({s}, "malformed.*,-zone-missing").size(), 2u);
    EXPECT_EQ(select_cases({s}, "nothing").size(), 0u);
}

}  // namespace
}  // namespace kms
