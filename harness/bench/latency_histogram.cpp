// The layout is HdrHistogram's with a lowest discernible value of 1 us and 3 significant
// digits: 2048 linear sub-buckets (2 * 10^3 rounded up to a power of two), so values below
// 2048 us are exact, and each further power of two halves the resolution. Every bucket
// [low, high] has (high - low + 1) / low < 1/1024 < 0.1%.
#include "harness/bench/latency_histogram.hpp"

#include "harness/contract/json_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace kms::bench {

namespace {

constexpr int kSubBucketHalfMagnitude = 10;                       // log2(1024)
constexpr std::uint64_t kSubBucketCount = 2048;                   // 2^ceil(log2(2 * 10^3))
constexpr std::uint64_t kSubBucketHalfCount = kSubBucketCount / 2;
constexpr std::uint64_t kSubBucketMask = kSubBucketCount - 1;
constexpr const char* kFormat = "kmsconf-latency-histogram/1";

// The power-of-two bucket a value falls in (0 for values below 2048).
int bucket_of(std::uint64_t value) {
    return 64 - __builtin_clzll(value | kSubBucketMask) - (kSubBucketHalfMagnitude + 1);
}

std::size_t counts_length() {
    // Buckets until the first one whose range starts above the highest trackable value.
    std::uint64_t smallest_untrackable = kSubBucketCount;
    std::size_t buckets = 1;
    while (smallest_untrackable <= LatencyHistogram::kHighestTrackableUs) {
        smallest_untrackable <<= 1;
        ++buckets;
    }
    return (buckets + 1) * kSubBucketHalfCount;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(counts_length(), 0) {}

std::size_t LatencyHistogram::index_of(std::uint64_t value) const {
    const int bucket = bucket_of(value);
    const std::uint64_t sub = value >> bucket;
    return static_cast<std::size_t>((static_cast<std::uint64_t>(bucket + 1) << kSubBucketHalfMagnitude) +
                                    (sub - kSubBucketHalfCount));
}

std::uint64_t LatencyHistogram::lowest_at(std::size_t index) const {
    int bucket = static_cast<int>(index >> kSubBucketHalfMagnitude) - 1;
    std::uint64_t sub = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
    if (bucket < 0) {
        sub -= kSubBucketHalfCount;
        bucket = 0;
    }
    return sub << bucket;
}

std::uint64_t LatencyHistogram::highest_equivalent(std::uint64_t value) const {
    const int bucket = bucket_of(value);
    const std::uint64_t lowest = (value >> bucket) << bucket;
    return lowest + (std::uint64_t{1} << bucket) - 1;
}

void LatencyHistogram::record(std::uint64_t value_us, std::uint64_t count) {
    if (count == 0) return;
    if (value_us > kHighestTrackableUs) {
        value_us = kHighestTrackableUs;
        saturated_ += count;
    }
    counts_[index_of(value_us)] += count;
    total_ += count;
    sum_ += value_us * count;
    min_ = std::min(min_, value_us);
    max_ = std::max(max_, value_us);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_ += other.sum_;
    saturated_ += other.saturated_;
    if (other.total_) {
        min_ = std::min(min_, other.min_);
        max_ = std::max(max_, other.max_);
    }
}

void LatencyHistogram::reset() {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = sum_ = saturated_ = max_ = 0;
    min_ = UINT64_MAX;
}

std::uint64_t LatencyHistogram::percentile(double p) const {
    if (total_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    // Nearest rank; the tiny relative slack keeps 99.9% of 1000 at rank 999, not 1000, when
    // the product lands a rounding error above an integer.
    const long double exact = static_cast<long double>(p) / 100.0L * static_cast<long double>(total_);
    auto rank = static_cast<std::uint64_t>(std::ceil(exact * (1.0L - 1e-12L)));
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(highest_equivalent(lowest_at(i)), max_);
    }
    return max_;
}

std::size_t LatencyHistogram::memory_bytes() const {
    return sizeof(*this) + counts_.capacity() * sizeof(std::uint64_t);
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::buckets() const {
    std::vector<Bucket> out;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (counts_[i] == 0) continue;
        const std::uint64_t low = lowest_at(i);
        out.push_back({low, highest_equivalent(low), counts_[i]});
    }
    return out;
}

bool LatencyHistogram::operator==(const LatencyHistogram& o) const {
    return counts_ == o.counts_ && total_ == o.total_ && min() == o.min() && max_ == o.max_ && sum_ == o.sum_ &&
           saturated_ == o.saturated_;
}

std::string LatencyHistogram::to_json() const {
    std::ostringstream out;
    out << "{\"format\":\"" << kFormat << "\",\"unit\":\"us\",\"significant_digits\":" << kSignificantDigits
        << ",\"count\":" << total_ << ",\"min_us\":" << min() << ",\"max_us\":" << max_ << ",\"sum_us\":" << sum_
        << ",\"saturated\":" << saturated_ << ",\"percentiles_us\":{\"50\":" << percentile(50)
        << ",\"90\":" << percentile(90) << ",\"99\":" << percentile(99) << ",\"99.9\":" << percentile(99.9)
        << ",\"100\":" << max_ << "},\"buckets\":[";
    bool first = true;
    for (const auto& b : buckets()) {
        out << (first ? "" : ",") << '[' << b.low_us << ',' << b.high_us << ',' << b.count << ']';
        first = false;
    }
    out << "]}";
    return out.str();
}

std::optional<LatencyHistogram> LatencyHistogram::from_json(std::string_view text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<LatencyHistogram> {
        if (error) *error = "histogram: " + why;
        return std::nullopt;
    };
    std::string parse_error;
    auto doc = parse_json(text, &parse_error);
    if (!doc) return fail(parse_error);
    if (!doc->IsObject()) return fail("not a JSON object");
    auto u64 = [&](const char* name, std::uint64_t* out) {
        auto it = doc->FindMember(name);
        if (it == doc->MemberEnd() || !it->value.IsUint64()) return false;
        *out = it->value.GetUint64();
        return true;
    };
    auto fmt = doc->FindMember("format");
    if (fmt == doc->MemberEnd() || !fmt->value.IsString() || std::string_view(fmt->value.GetString()) != kFormat)
        return fail(std::string("\"format\" is not \"") + kFormat + "\"");
    auto unit = doc->FindMember("unit");
    if (unit == doc->MemberEnd() || !unit->value.IsString() || std::string_view(unit->value.GetString()) != "us")
        return fail("\"unit\" is not \"us\"");
    std::uint64_t digits = 0, count = 0, min_us = 0, max_us = 0, sum_us = 0, saturated = 0;
    if (!u64("significant_digits", &digits) || digits != kSignificantDigits)
        return fail("\"significant_digits\" is not 3: cannot merge histograms of another precision");
    if (!u64("count", &count) || !u64("min_us", &min_us) || !u64("max_us", &max_us) || !u64("sum_us", &sum_us) ||
        !u64("saturated", &saturated))
        return fail("count, min_us, max_us, sum_us and saturated must be non-negative integers");
    auto buckets = doc->FindMember("buckets");
    if (buckets == doc->MemberEnd() || !buckets->value.IsArray()) return fail("\"buckets\" is not an array");

    LatencyHistogram h;
    std::uint64_t seen = 0;
    for (const auto& b : buckets->value.GetArray()) {
        if (!b.IsArray() || b.Size() != 3 || !b[0].IsUint64() || !b[1].IsUint64() || !b[2].IsUint64())
            return fail("a bucket is not [low_us, high_us, count]");
        const std::uint64_t low = b[0].GetUint64(), high = b[1].GetUint64(), n = b[2].GetUint64();
        if (low > kHighestTrackableUs || h.lowest_at(h.index_of(low)) != low || h.highest_equivalent(low) != high)
            return fail("bucket [" + std::to_string(low) + ", " + std::to_string(high) +
                        "] does not match this histogram's layout");
        h.counts_[h.index_of(low)] += n;
        seen += n;
    }
    if (seen != count) return fail("bucket counts add up to " + std::to_string(seen) + ", not count " + std::to_string(count));
    if (count > 0 && (min_us > max_us || max_us > kHighestTrackableUs))
        return fail("min_us/max_us are inconsistent");
    h.total_ = count;
    h.sum_ = sum_us;
    h.saturated_ = saturated;
    if (count > 0) {
        h.min_ = min_us;
        h.max_ = max_us;
    }
    return h;
}

}  // namespace kms::bench
