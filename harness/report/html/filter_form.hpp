// report.html's filters: a checkbox per verdict, a suite and a check select, and the small
// inline script that applies them by hiding the cases (and sections) that do not match. The
// state is kept in the URL fragment (#filter:verdict=fail,non-strict&suite=valid&check=body_schema)
// so that a link keeps the filter. With scripts off the form stays hidden and every case is
// listed; a fragment naming a case (#case-valid.x, the plots' links) opens that case.
#pragma once

#include "harness/report/html/html_tree.hpp"
#include "harness/run/run_tally.hpp"

namespace kms::html {

// The form, under `parent` (before the case list).
void filter_form(Element parent, const RunTally& tally);

// The <script> that drives it, at the end of `body`.
void filter_script(Element body);

}  // namespace kms::html
