// Each level or allowed status changed in suites/*.json, shown with the exact response a
// conforming server people run sends (Go net/http, nginx in front, Spring/Jackson, Python,
// Starlette, the real API), graded as CaseRunner grades it: no conforming answer fails a MUST.
#include "harness/cases/case_generator.hpp"
#include "tests/harness/grading_support.hpp"

#include <gtest/gtest.h>

namespace kms {
namespace {

using namespace test;
using namespace std::chrono_literals;

// --- canned responses ------------------------------------------------------------------------

// nginx's own page for a URI whose decoded path climbs above the root, or a bad request line.
const char* kNginx400 =
    "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
    "<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
Exchange nginx_400() { return exchange(400, kNginx400, {{"Server", "nginx"}, {"Content-Type", "text/html"}, {"Connection", "close"}}); }

// Go's ServeMux cleaning a path (//, dot segments, decoded %2E%2E and %2F): net/http's redirect.
Exchange go_301(const std::string& location) {
    return exchange(301, "<a href=\"" + location + "\">Moved Permanently</a>.\n\n",
                    {{"Content-Type", "text/html; charset=utf-8"}, {"Location", location}});
}

// Go's ServeMux for a method its pattern ("POST /v2/kms-key/{id}/replicate") does not name.
Exchange go_405() {
    return exchange(405, "Method Not Allowed\n",
                    {{"Allow", "POST"}, {"Content-Type", "text/plain; charset=utf-8"}, {"X-Content-Type-Options", "nosniff"}});
}

// Python's http.server (BaseHTTPRequestHandler.send_error) for a method it has no do_ for.
Exchange python_501() {
    return exchange(501,
                    "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n"
                    "        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n"
                    "        <p>Error code: 501</p>\n        <p>Message: Unsupported method ('post').</p>\n"
                    "    </body>\n</html>\n",
                    {{"Server", "BaseHTTP/0.6 Python/3.11.2"}, {"Content-Type", "text/html;charset=utf-8"}, {"Connection", "close"}});
}

// Spring Boot 3 with ProblemDetail and Jackson's default FAIL_ON_UNKNOWN_PROPERTIES.
Exchange spring_unknown_member_400() {
    return exchange(400,
                    R"({"type":"about:blank","title":"Bad Request","status":400,)"
                    R"("detail":"Failed to read request","instance":"/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"})",
                    {{"Content-Type", "application/problem+json"}});
}

// The real API on other endpoints, for a member it does not know.
Exchange exoscale_not_allowed_400(const std::string& member) {
    return test::json_exchange(400, R"({"type":"#/http-problem-types/bad-request","title":"Bad Request","status":400,)"
                                    R"("detail":"Parameter ')" + member + R"(' is not allowed"})");
}

// --- scope http and path clean-ups -----------------------------------------------------------

TEST(PathCleanUp, GoServeMuxRedirectsAreAllowed) {
    for (const char* id : {"malformed.id-empty", "malformed.id-path-traversal-encoded-dots", "malformed.id-path-traversal-encoded-slash"}) {
        SCOPED_TRACE(id);
        EXPECT_EQ(shipped(id).scope, Scope::http);
        auto g = graded(shipped(id), go_301("/v2/replicate"));
        EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    }
    // A redirect the case does not list is still no rejection.
    auto g = graded(shipped("malformed.id-empty"), exchange(302, "", {{"Location", "/"}}));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_TRUE(g.has("malformed_rejected"));
}

// Apache httpd's MergeSlashes (default On), lighttpd, nginx with a URI in proxy_pass: the
// rewritten /v2/kms-key/replicate is the key read of a key named "replicate", whose resource
// conformingly answers 405 with Allow (RFC 9110 §15.5.6), or 403 from an origin that checks the
// signature (made over the path as sent) first. Issue 22: both were MUST failures.
TEST(PathCleanUp, AFrontEndsRewriteToAnotherResourcesAnswerIsAllowed) {
    Exchange key_read_405 = test::json_exchange(
        405, R"({"type":"about:blank","title":"Method Not Allowed","status":405,"detail":"method POST is not allowed"})");
    key_read_405.response->headers.push_back({"Allow", "GET, HEAD"});
    Exchange signature_403 = test::json_exchange(
        403, R"({"type":"about:blank","title":"Forbidden","status":403,"detail":"EXO2-HMAC-SHA256 authentication failed"})");
    for (const char* id : {"malformed.id-empty", "malformed.id-path-traversal-encoded-dots",
                           "malformed.id-path-traversal-encoded-slash", "edge.path-trailing-slash"}) {
        SCOPED_TRACE(id);
        EXPECT_EQ(shipped(id).scope, Scope::http);
        for (const Exchange& x : {key_read_405, signature_403}) {
            auto g = graded(shipped(id), x);
            EXPECT_TRUE(g.verdict == Verdict::pass || g.verdict == Verdict::informational) << all_messages(g);
            EXPECT_FALSE(g.has("status_declared")) << all_messages(g);
        }
    }
    // A 405 still needs its Allow header (§15.5.6): MUST on a MUST case.
    Exchange bare_405 = test::json_exchange(405, R"({"title":"Method Not Allowed","status":405})");
    auto g = graded(shipped("malformed.id-empty"), bare_405);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("allow_header"), Level::must);
}

TEST(PathCleanUp, StarlettesTrailingSlashRedirectIsAllowed) {
    // Starlette's redirect_slashes: 307 to the path without the trailing slash, empty body.
    Exchange starlette = exchange(307, "", {{"location", "http://127.0.0.1:8080/v2/kms-key/a02baf5a-a3e4-49a0-857b-8a08d276c1c0/replicate"},
                                            {"content-length", "0"}});
    auto g = graded(shipped("edge.path-trailing-slash"), starlette);
    EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
}

// Issue 22: a --strict run behind nginx's defaults failed on nginx's own page; a body a front
// end writes says nothing about the contract, so its shape is only noted.
TEST(PathCleanUp, NginxsOwnHtml400ForATraversalIsNotedNotGraded) {
    auto g = graded(shipped("malformed.id-path-traversal-encoded-slash"), nginx_400());
    EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
    EXPECT_EQ(g.level_of("content_type"), Level::informational);
    EXPECT_EQ(g.level_of("body_schema"), Level::informational);
    // The operation's own 400 problem there is simply right.
    auto own = graded(shipped("malformed.id-path-traversal-encoded-slash"), test::json_exchange(400, test::kGoodProblem));
    EXPECT_EQ(own.verdict, Verdict::pass) << all_messages(own);
    // Scope http never excuses a 5xx or a replicate.
    EXPECT_EQ(graded(shipped("malformed.id-path-traversal-encoded-slash"), test::json_exchange(502, "{}")).verdict, Verdict::fail);
    EXPECT_EQ(graded(shipped("malformed.id-path-traversal-encoded-slash"), test::json_exchange(200, test::kGoodOperation)).verdict,
              Verdict::fail);
}

TEST(Methods, ProxiesAndStacksAnswerAnUnknownOrLowercaseMethodThemselves) {
    const Case& lower = shipped("methods.lowercase-post-method");
    const Case& unknown = shipped("methods.unknown-method");
    EXPECT_EQ(lower.scope, Scope::http);
    EXPECT_EQ(unknown.scope, Scope::http);
    // nginx refuses a lowercase method with its own HTML 400: noted, not graded.
    auto g = graded(lower, nginx_400());
    EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
    // Python's http.server: 501 (RFC 9110 §15.6.2), listed by the case.
    g = graded(lower, python_501());
    EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    // Go's ServeMux: 405 with Allow.
    g = graded(unknown, go_405());
    EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    // Still a MUST: a lowercase "post" taken as a replicate.
    g = graded(lower, test::json_exchange(200, test::kGoodOperation));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
}

TEST(Methods, PythonsHttpServerAnswers501ForAMethodItsHandlerLacks) {
    // BaseHTTPRequestHandler.send_error(501, "Unsupported method (%r)") for PUT, PATCH, DELETE,
    // OPTIONS: RFC 9110 §15.6.2 makes 501 right for a method supported on no resource.
    auto python = [](const char* method) {
        return exchange(501, std::string("<!DOCTYPE HTML>\n<html lang=\"en\">\n<body>\n<h1>Error response</h1>\n<p>Error code: 501</p>\n"
                                         "<p>Message: Unsupported method ('") + method + "').</p>\n</body>\n</html>\n",
                        {{"Server", "BaseHTTP/0.6 Python/3.11.2"}, {"Content-Type", "text/html;charset=utf-8"}, {"Connection", "close"}});
    };
    for (const char* id : {"methods.put-on-operation-path", "methods.patch-on-operation-path", "methods.delete-on-operation-path",
                           "methods.options-on-operation-path"}) {
        SCOPED_TRACE(id);
        auto g = graded(shipped(id), python(shipped(id).request.method.c_str()));
        EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    }
    // GET and HEAD every general-purpose server MUST support (RFC 9110 §9.1): 501 there is a 5xx.
    auto g = graded(shipped("methods.get-on-operation-path"), python("GET"));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("no_server_error"), Level::must);
    // And a 502 on the informational OPTIONS case still fails: 5xx are not capped.
    g = graded(shipped("methods.options-on-operation-path"), exchange(502, "", {}));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
}

// --- auth ------------------------------------------------------------------------------------

TEST(Auth, AMalformedAuthorizationHeaderMayBeA400ButNeverProcessed) {
    const Case& c = shipped("auth.auth-malformed-header");
    auto g = graded(c, test::json_exchange(400, R"({"type":"#/http-problem-types/bad-request","title":"Bad Request","status":400,)"
                                                R"("detail":"malformed Authorization header: missing credential"})"));
    EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    g = graded(c, test::json_exchange(400, R"({"type":"#/http-problem-types/bad-request","title":"Bad Request","status":400,)"
                                           R"("detail":"Conflict: key a02baf5a is already replicated to zone de-fra-1"})"));
    EXPECT_EQ(g.verdict, Verdict::fail) << "a Conflict means the replicate was processed: " << all_messages(g);
    EXPECT_TRUE(g.has("ignored_auth"));
    // The other auth cases keep 401/403 only: their header parses.
    EXPECT_EQ(graded(shipped("auth.auth-bad-signature"), test::json_exchange(400, test::kGoodProblem)).verdict, Verdict::fail);
}

// --- +json media types -----------------------------------------------------------------------

TEST(MediaType, ProblemJsonIsAShouldAndItsBodyIsStillValidated) {
    const Case& zone_missing = shipped("malformed.zone-missing");
    Exchange spring = exchange(400, R"({"type":"about:blank","title":"Bad Request","status":400,"detail":"zone: must not be null"})",
                               {{"Content-Type", "application/problem+json"}});
    auto g = graded(zone_missing, spring);
    EXPECT_EQ(g.verdict, Verdict::non_strict) << all_messages(g);
    EXPECT_EQ(g.level_of("content_type"), Level::should);
    // The body is still held to error-response: no detail is a MUST body_schema finding.
    Exchange no_detail = exchange(400, R"({"type":"about:blank","title":"Bad Request","status":400})",
                                  {{"Content-Type", "application/problem+json"}});
    g = graded(zone_missing, no_detail);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_EQ(g.level_of("body_schema"), Level::must);
    // A type that is not JSON at all stays a MUST.
    g = graded(zone_missing, test::json_exchange(400, test::kGoodProblem, "text/plain"));
    EXPECT_EQ(g.level_of("content_type"), Level::must);
}

// --- extra members ---------------------------------------------------------------------------

TEST(ExtraMembers, RefusingThemIsConforming) {
    for (const char* id : {"valid.extra-body-members", "valid.key-order-zone-last", "valid.unicode-in-extra-member"}) {
        SCOPED_TRACE(id);
        EXPECT_EQ(shipped(id).level, Level::informational);
        auto g = graded(shipped(id), spring_unknown_member_400());
        EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
        g = graded(shipped(id), exoscale_not_allowed_400("comment"));
        EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
        g = graded(shipped(id), test::json_exchange(200, test::kGoodOperation));
        EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    }
}

TEST(ExtraMembers, GeneratedExtraMembersCaseIsInformational) {
    GeneratorOptions options;
    options.count = 64;
    Suite generated = generate_cases(test::seed_contract().request_schema().document(), options);
    int seen = 0;
    for (const auto& c : generated.cases) {
        if (c.id.rfind("extra-members-", 0) != 0) continue;
        ++seen;
        EXPECT_EQ(c.level, Level::informational);
        auto g = graded(c, spring_unknown_member_400());
        EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
    }
    EXPECT_GT(seen, 0);
}

// --- Go's case-insensitive member names ------------------------------------------------------

TEST(MemberNames, GoReadingZoneForZoneIsNonStrict) {
    const Case& c = shipped("malformed.zone-member-name-wrong-case");
    EXPECT_EQ(c.level, Level::should);
    auto g = graded(c, test::json_exchange(200, test::kGoodOperation));
    EXPECT_EQ(g.verdict, Verdict::non_strict) << all_messages(g);
    EXPECT_EQ(graded(c, test::json_exchange(400, test::kGoodProblem)).verdict, Verdict::pass);
}

// --- Python echoing a lone surrogate ---------------------------------------------------------

TEST(LoneSurrogate, PythonsEchoedEscapeIsJsonNotAFailure) {
    // json.dumps({"type": ..., "detail": "... 'de-fra-1\ud800'"}) as Python 3 writes it.
    const std::string python_body =
        R"({"type": "about:blank", "title": "Bad Request", "status": 400, )"
        R"("detail": "Invalid Argument: the target zone is invalid: 'de-fra-1\ud800'"})";
    auto g = graded(shipped("edge.zone-lone-surrogate"), test::json_exchange(400, python_body));
    EXPECT_EQ(g.verdict, Verdict::informational) << all_messages(g);
    EXPECT_EQ(g.level_of("body_schema"), Level::informational);
    // A body that really is not JSON still is.
    g = graded(shipped("edge.zone-lone-surrogate"), test::json_exchange(400, R"({"detail": "de-fra-1\ud800)"));
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
}

TEST(Conflict, KeyAlreadyPendingDeletionPassesItsCaseAndFailsAConflictCase) {
    Exchange pending = test::json_exchange(400, R"({"type":"#/http-problem-types/bad-request","title":"Bad Request",)"
                                                R"("status":400,"detail":"Key is already pending deletion"})");
    auto g = graded(shipped("edge.key-pending-deletion"), pending);
    EXPECT_EQ(g.verdict, Verdict::pass) << all_messages(g);
    g = graded(shipped("edge.replicate-twice-same-zone"), pending);
    EXPECT_EQ(g.verdict, Verdict::fail) << all_messages(g);
    EXPECT_TRUE(g.has("conflict_reported"));
    Exchange conflict = test::json_exchange(400, R"({"type":"#/http-problem-types/bad-request","title":"Bad Request",)"
                                                 R"x("status":400,"detail":"Conflict (already replicated in the target zone)"})x");
    EXPECT_EQ(graded(shipped("edge.replicate-twice-same-zone"), conflict).verdict, Verdict::pass);
}

}  // namespace
}  // namespace kms
