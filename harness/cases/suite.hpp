// The conformance cases as data: the model of suites/*.json and its loader. A suite file is
// validated against schemas/suite.schema.json before anything in it is used; any problem is a
// SuiteError naming the file and the JSON pointer.
#pragma once

#include "common/http_types.hpp"
#include "harness/checks/check_catalogue.hpp"
#include "harness/contract/schema_validator.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms {

enum class Level { must, should, informational };
const char* to_string(Level level);

enum class Outcome { accepted, rejected, conflict, either };
const char* to_string(Outcome outcome);

// What governs a case's responses. operation: the replicate contract, in full. http: the request
// never reaches the operation as such (an unknown or lowercase method, a path a proxy or router
// normalises away), so a proxy or the HTTP stack may answer it with a body of its own (nginx's
// HTML 400, Go's plain-text 400): judged on status and "no 5xx", the body's shape informational.
enum class Scope { operation, http };
const char* to_string(Scope scope);

enum class AuthMode { signed_request, unsigned_request, bad_signature, expired, other_key };
const char* to_string(AuthMode mode);

struct RequestTemplate {
    std::string method = "POST";
    std::string path = "/kms-key/${key}/replicate";  // relative to the base URL's path
    std::string query;                                 // without '?'
    // Header name -> value (placeholders allowed); nullopt removes a default header.
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    std::string body;                  // placeholders allowed unless body_is_raw
    bool body_is_raw = false;          // bodyBase64: bytes used as they are
    AuthMode auth = AuthMode::signed_request;
    int times = 1;
};

struct Expectation {
    Outcome outcome = Outcome::either;
    std::vector<int> statuses;  // empty: decided by outcome alone
    CheckId check = CheckId::expected_status;  // reported on failure; suites name it by name_of
    // Set by the run, not the suites: under 2026-07-20 a repeat may be 200 already-applied
    // where a Conflict is expected (docs/contract.md §1).
    bool already_applied_conforms = false;
};

struct Case {
    std::string suite;
    std::string id;
    std::string requirement;
    Level level = Level::must;
    Scope scope = Scope::operation;
    RequestTemplate request;
    Expectation expect;
    std::string file;  // where it came from, for messages
    int line = 1;      // line of its "id" member, so that CI annotations point at the case
    std::string full_name() const { return suite + "." + id; }
};

struct Suite {
    std::string name;
    std::string description;
    std::string file;
    std::vector<Case> cases;
};

struct SuiteError : std::runtime_error {
    SuiteError(const std::string& file, const std::string& pointer, const std::string& message);
    std::string file, pointer;
};

// Loads every *.json in the given files or directories (directories sorted by name). Case ids
// must be unique across all suites.
std::vector<Suite> load_suites(const std::vector<std::filesystem::path>& paths, const SchemaValidator& suite_schema);

}  // namespace kms
