// The suites a run makes itself, beside the suite files' (no file holds them): the key reads
// of the stateful run and the operations it follows.
// The runner names its cases with them; the reports recognise those cases by them.
#pragma once

namespace kms {

inline constexpr const char* kKeyStateSuite = "key-state";
inline constexpr const char* kOperationsSuite = "operations";
// kmsconf judge's: the exchanges of recorded traffic (harness/recorded/recorded_cases.hpp).
inline constexpr const char* kRecordedSuite = "recorded";
// And the requests of a recorded client, judged as the client's (client_request_valid, client_signed).
inline constexpr const char* kClientSuite = "client";

}  // namespace kms
