// `kmsconf judge FILE.har...`: judges recorded traffic (HAR 1.2) offline, as a run judges the
// exchanges it sends, and writes the run's reports with the run's exit codes.
#pragma once

namespace kms::cli {

int judge_main(int argc, char** argv);

}  // namespace kms::cli
