// The fixtures, zones and fault names other areas rely on (docs, suites, --fault).
#include "server/replicate_service.hpp"
#include "common/text.hpp"

#include <gtest/gtest.h>

#include <set>

namespace kms::server {
namespace {

TEST(FaultNamesTest, EveryNameRoundTrips) {
    auto names = fault_names();
    // Every enumerator has a name: the last one's name is listed (none forgotten at the end).
    EXPECT_EQ(names.size(), static_cast<std::size_t>(Fault::unavailable_once) + 1);
    std::set<std::string> unique(names.begin(), names.end());
    EXPECT_EQ(unique.size(), names.size());
    for (const auto& n : names) {
        auto f = parse_fault(n);
        ASSERT_TRUE(f.has_value()) << n;
        EXPECT_EQ(to_string(*f), n);
        EXPECT_EQ(n.find('_'), std::string::npos) << "kebab case: " << n;
    }
}

TEST(FaultNamesTest, KnownNamesMapToTheirFault) {
    EXPECT_EQ(parse_fault("slow-response"), Fault::slow_response);
    EXPECT_EQ(parse_fault("bad-enum"), Fault::bad_enum);
    EXPECT_EQ(parse_fault("no-allow-header"), Fault::no_allow_header);
    EXPECT_EQ(parse_fault("unprocessable-entity"), Fault::unprocessable_entity);
    EXPECT_FALSE(parse_fault("bad_enum").has_value());
    EXPECT_FALSE(parse_fault("").has_value());
    EXPECT_FALSE(parse_fault("Bad-Enum").has_value());
}

TEST(FixturesTest, ZonesAreTheEightExoscaleZones) {
    std::set<std::string> zones(known_zones().begin(), known_zones().end());
    EXPECT_EQ(zones, (std::set<std::string>{"ch-gva-2", "ch-dk-2", "de-fra-1", "de-muc-1", "at-vie-1", "at-vie-2",
                                            "bg-sof-1", "hr-zag-1"}));
}

TEST(FixturesTest, KeysCoverEachKeyErrorCase) {
    auto keys = default_key_fixtures();
    ASSERT_EQ(keys.size(), 4u);
    std::set<std::string> ids;
    for (const auto& k : keys) {
        EXPECT_TRUE(is_uuid(k.id)) << k.id;
        EXPECT_EQ(k.id, to_lower(k.id));
        ids.insert(k.id);
    }
    EXPECT_EQ(ids.size(), 4u);
    EXPECT_EQ(keys[0].id, kDefaultKeyId);
    EXPECT_EQ(keys[0].origin_zone, "ch-gva-2");
    EXPECT_TRUE(keys[0].multi_zone && !keys[0].pending_deletion && !keys[0].is_default);
    EXPECT_TRUE(ids.count(kSingleZoneKeyId) && ids.count(kPendingDeletionKeyId) && ids.count(kAccountDefaultKeyId));
}

}  // namespace
}  // namespace kms::server
