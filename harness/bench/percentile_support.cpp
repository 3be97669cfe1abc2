#include "harness/bench/percentile_support.hpp"

#include <cmath>

namespace kms::bench {

std::uint64_t samples_needed(double percentile) {
    if (percentile >= 100) return 1;
    // The slack keeps 100/(100-99.9) = 1000.0000000000002 at 1000.
    return static_cast<std::uint64_t>(std::ceil(100.0 / (100.0 - percentile) - 1e-9));
}

bool percentile_supported(double percentile, std::uint64_t samples) { return samples >= samples_needed(percentile); }

}  // namespace kms::bench
