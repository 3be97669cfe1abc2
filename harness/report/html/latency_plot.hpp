// report.html's latency plot: every case that was sent, as a dot on a strip per verdict (its
// time from the first request written to the last response, retries included), on a log axis
// when the times span a factor of 20 or more. Each dot's tooltip names its case and links to it.
#pragma once

#include "harness/report/html/html_tree.hpp"
#include "harness/run/run_tally.hpp"

namespace kms::html {

// Nothing when no case was sent.
void latency_plot(Element parent, const RunTally& tally);

}  // namespace kms::html
