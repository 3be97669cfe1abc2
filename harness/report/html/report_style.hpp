// The reports' inline style sheet (report.html and bench-report.html): the page loads nothing
// from the network, so the style travels inside it.
#pragma once

#include "harness/report/html/html_tree.hpp"

namespace kms::html {

// <style> with the sheet, into `head`.
void report_style(Element head);

}  // namespace kms::html
