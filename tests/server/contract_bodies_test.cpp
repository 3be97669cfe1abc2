// The reference server's bodies judged by the schemas the harness judges real targets with
// (schemas/<revision>/), in each revision: replicate's 200, the key read, the polled operation
// and problems, with the statuses each operation declares in contract.json. The schemas are
// seen failing too, on bodies a fault or an edit breaks, so a schema that accepts anything
// would not pass here. Its own executable: server_tests stays free of the harness.
#include "common/file_reading.hpp"
#include "harness/contract/contract.hpp"
#include "harness/contract/formats.hpp"
#include "harness/contract/json_text.hpp"
#include "server/replicate_service.hpp"
#include "tests/server/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>

namespace kms::server {
namespace {

using namespace std::chrono_literals;
using test::zone_request;

std::filesystem::path schemas_dir(Revision r) {
    return std::filesystem::path(KMSCONF_SOURCE_DIR) / "schemas" / to_string(r);
}

// One read operation of contract.json's readOperations: its declared statuses and schemas.
struct ReadOperation {
    std::map<int, std::shared_ptr<const SchemaValidator>> responses;
    const SchemaValidator& schema(int status) const { return *responses.at(status); }
    bool declares(int status) const { return responses.count(status) > 0; }
};

ReadOperation read_operation(Revision r, const char* name) {
    std::string error;
    auto text = read_whole_file(schemas_dir(r) / "contract.json", &error);
    EXPECT_TRUE(text) << error;
    auto doc = parse_json(text.value_or(""), &error);
    EXPECT_TRUE(doc) << error;
    ReadOperation op;
    if (!doc || !doc->HasMember("readOperations") || !(*doc)["readOperations"].HasMember(name)) {
        ADD_FAILURE() << "no readOperations/" << name << " in " << to_string(r);
        return op;
    }
    for (const auto& resp : (*doc)["readOperations"][name]["responses"].GetObject())
        op.responses[std::stoi(resp.name.GetString())] =
            SchemaValidator::from_file(schemas_dir(r) / resp.value["schema"].GetString());
    return op;
}

// Every schema violation and format violation of `body`, one line each; empty: conforming.
std::string violations(const SchemaValidator& schema, const std::string& body) {
    std::string error;
    auto doc = parse_json(body, &error);
    if (!doc) return "not JSON: " + error;
    std::string out;
    for (const auto& v : schema.validate(*doc)) out += schema.name() + " " + v.pointer + ": " + v.message + "\n";
    for (const auto& f : check_formats(schema.document(), *doc))
        out += schema.name() + " " + f.pointer + ": not a " + f.format + ": " + f.value + "\n";
    return out;
}

class ContractBodiesTest : public ::testing::TestWithParam<Revision> {
protected:
    void SetUp() override {
        contract_ = std::make_unique<Contract>(Contract::load(schemas_dir(GetParam())));
        key_read_ = read_operation(GetParam(), "get-kms-key");
        get_operation_ = read_operation(GetParam(), "get-operation");
    }
    ReplicateService service(std::vector<Fault> faults = {}) { return service_speaking(GetParam(), std::move(faults)); }
    ReplicateService service_speaking(Revision revision, std::vector<Fault> faults) {
        ServiceOptions o;
        o.revision = revision;
        o.faults = std::move(faults);
        o.operation_settle = 2000ms;
        auto clock = clock_;
        o.steady_now = [clock] { return *clock; };
        return ReplicateService(std::move(o));
    }
    // A response judged as the harness does: declared status, its schema, its formats.
    ::testing::AssertionResult Conforms(const ReadOperation& op, const HttpResponse& res) {
        if (!op.declares(res.status)) return ::testing::AssertionFailure() << "undeclared status " << res.status;
        auto v = violations(op.schema(res.status), res.body);
        if (!v.empty()) return ::testing::AssertionFailure() << v << res.body;
        return ::testing::AssertionSuccess();
    }
    ::testing::AssertionResult ReplicateConforms(const HttpResponse& res) {
        const ResponseSpec* spec = contract_->response(res.status);
        if (!spec) return ::testing::AssertionFailure() << "undeclared status " << res.status;
        auto v = violations(*spec->schema, res.body);
        if (!v.empty()) return ::testing::AssertionFailure() << v << res.body;
        return ::testing::AssertionSuccess();
    }
    bool seed() const { return GetParam() == Revision::r2026_03_31; }

    std::shared_ptr<std::chrono::steady_clock::time_point> clock_ =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    std::unique_ptr<Contract> contract_;
    ReadOperation key_read_, get_operation_;
};

TEST_P(ContractBodiesTest, ContractLoadsAndDeclaresTheReadOperations) {
    EXPECT_EQ(contract_->revision(), to_string(GetParam()));
    EXPECT_TRUE(key_read_.declares(200) && key_read_.declares(400));
    EXPECT_EQ(key_read_.declares(404), seed()) << "2026-07-20 dropped the key read's 404";
    EXPECT_TRUE(get_operation_.declares(200));
    EXPECT_EQ(get_operation_.responses.size(), 1u);
}

TEST_P(ContractBodiesTest, ReplicateAnswersConform) {
    auto s = service();
    EXPECT_TRUE(ReplicateConforms(s.handle(zone_request(kDefaultKeyId, "de-fra-1"))));
    EXPECT_TRUE(ReplicateConforms(s.handle(zone_request(kDefaultKeyId, "de-fra-1"))));  // Conflict / already-applied
    EXPECT_TRUE(ReplicateConforms(s.handle(zone_request(kDefaultKeyId, "ch-gva-2"))));
    EXPECT_TRUE(ReplicateConforms(s.handle(zone_request(kSingleZoneKeyId, "de-fra-1"))));
    EXPECT_TRUE(ReplicateConforms(s.handle(test::replicate_request(kDefaultKeyId, "{not json"))));
}

TEST_P(ContractBodiesTest, KeyReadsConformBeforeAndAfterReplicas) {
    auto s = service();
    for (const auto& k : default_key_fixtures()) EXPECT_TRUE(Conforms(key_read_, s.handle(test::key_request(k.id)))) << k.id;
    for (const char* zone : {"de-fra-1", "at-vie-1", "hr-zag-1"}) s.handle(zone_request(kDefaultKeyId, zone));
    auto res = s.handle(test::key_request(kDefaultKeyId));
    EXPECT_EQ(test::replicas_of(res).size(), 3u);
    EXPECT_TRUE(Conforms(key_read_, res));
}

TEST_P(ContractBodiesTest, KeyReadErrorsAreDeclaredProblems) {
    auto s = service();
    EXPECT_TRUE(Conforms(key_read_, s.handle(test::key_request("00000000-0000-4000-8000-000000000000"))));
    EXPECT_TRUE(Conforms(key_read_, s.handle(test::key_request("not-a-uuid"))));
}

// Operations come from the seed revision's replicate (2026-07-20's creates none), judged by this
// revision's get-operation schema: 2026-07-20 still declares the same `operation`.
TEST_P(ContractBodiesTest, PolledOperationsConformInEveryEndState) {
    for (auto faults : std::vector<std::vector<Fault>>{{}, {Fault::operation_failure}, {Fault::operation_failure_no_reason}}) {
        auto s = service_speaking(Revision::r2026_03_31, faults);
        std::string op;
        ASSERT_TRUE(test::IsOperation(s.handle(zone_request(kDefaultKeyId, "de-fra-1")), kDefaultKeyId, "pending", &op));
        EXPECT_TRUE(Conforms(get_operation_, s.handle(test::get_request("/v2/operation/" + op))));
        *clock_ += 2001ms;
        EXPECT_TRUE(Conforms(get_operation_, s.handle(test::get_request("/v2/operation/" + op))));
    }
}

// The other side: the same schemas refuse what breaks them.
TEST_P(ContractBodiesTest, SchemasRefuseBrokenBodies) {
    EXPECT_FALSE(ReplicateConforms(service({Fault::bad_enum}).handle(zone_request(kDefaultKeyId, "de-fra-1"))));
    {
        auto s = service_speaking(Revision::r2026_03_31, {Fault::bad_uuid_format});
        auto res = s.handle(zone_request(kDefaultKeyId, "de-fra-1"));
        EXPECT_FALSE(Conforms(get_operation_, res)) << "id op-123 is not a uuid";
    }
    const bool not_found_conforms = Conforms(key_read_, service({Fault::no_key_read}).handle(test::key_request(kDefaultKeyId)));
    EXPECT_EQ(not_found_conforms, seed()) << "a 404 from the key read is declared only by 2026-03-31";
    auto s = service();
    const std::string good = s.handle(test::key_request(kDefaultKeyId)).body;
    auto edited = [&](const std::string& from, const std::string& to) {
        std::string body = good;
        auto at = body.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return body.replace(at, from.size(), to);
    };
    EXPECT_NE(violations(key_read_.schema(200), edited(R"("status":"enabled")", R"("status":"active")")), "");
    EXPECT_NE(violations(key_read_.schema(200), edited(R"("created-at":"2026-03-02T09:00:00Z","revision")",
                                                       R"("created-at":"yesterday","revision")")), "");
    EXPECT_NE(violations(key_read_.schema(200), edited(std::string("\"id\":\"") + kDefaultKeyId, "\"id\":\"key-1")), "");
    EXPECT_NE(violations(key_read_.schema(200), edited(R"("seq":0)", R"("seq":-1)")), "");
    // `replicas` is required by 2026-03-31 only.
    EXPECT_EQ(violations(key_read_.schema(200), edited(R"("replicas":[],)", "")).empty(), !seed());
}

INSTANTIATE_TEST_SUITE_P(Revisions, ContractBodiesTest, ::testing::Values(Revision::r2026_03_31, Revision::r2026_07_20),
                         [](const ::testing::TestParamInfo<Revision>& revision) {
                             std::string name = "r" + to_string(revision.param);
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace kms::server
