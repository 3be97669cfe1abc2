// The key ids the reference server knows (server/README.md documents them). They live here, not
// in server/, because both sides name them: the server's fixtures create these keys, and the
// harness and the bench use the default one when no --key-id is given, without depending on the
// server's code.
#pragma once

namespace kms {

// The documented key the suite uses by default: multi-zone, origin ch-gva-2.
inline constexpr const char* kDefaultKeyId = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0";
// One key per key-related 400 error case of the latest spec (see server/fixtures.cpp).
inline constexpr const char* kSingleZoneKeyId = "5f0c3a1e-7b2d-4c8e-9a41-6d2e8b1f0c35";       // Not Multizone
inline constexpr const char* kPendingDeletionKeyId = "c7e4b9d2-1a3f-4e6b-8c5d-2f9a0b7e3d18";  // Key is Pending Deletion
inline constexpr const char* kAccountDefaultKeyId = "0d6a2f8b-94c1-4b7e-a3d5-8e1f6c2b9a47";   // Not on Default

}  // namespace kms
