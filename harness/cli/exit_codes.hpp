// The exit codes of every kmsconf command (run, bench, serve), defined once: CI gates on them,
// and README.md ("Exit codes") documents them.
#pragma once

namespace kms::cli {

// run: every MUST held and at least one case ran; bench: every SLO held; serve: stopped by
// SIGINT/SIGTERM; any command: --help, --list and the like.
inline constexpr int kExitOk = 0;
// run: conformance failures (SHOULD findings too, under --strict); bench: an SLO breached or a
// benchmark without a successful response.
inline constexpr int kExitFailures = 1;
// Usage, configuration or input error (bad flag, suite data, credentials, CA file, report folder,
// a filter that selects nothing), found before any request is sent.
inline constexpr int kExitUsage = 2;
// run and bench: the target is unreachable (or the embedded server would not start); serve:
// the address cannot be bound.
inline constexpr int kExitUnreachable = 3;

}  // namespace kms::cli
