// kmsconf: the conformance harness for Exoscale API v2 POST /v2/kms-key/{id}/replicate.
//   kmsconf [run] [options]   run the suites (default command)
//   kmsconf serve [options]   run the reference server in the foreground
//   kmsconf bench [options]   latency benchmark
//   kmsconf judge FILE.har... judge recorded traffic
//   kmsconf proxy --upstream URL  judge live traffic as it passes
// Each takes --help and --version (`kmsconf --version` is run's).
#include "harness/cli/bench_command.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/judge_command.hpp"
#include "harness/cli/proxy_command.hpp"
#include "harness/cli/run_command.hpp"
#include "harness/cli/serve_command.hpp"

#include <cstring>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    try {
        if (argc > 1 && std::strcmp(argv[1], "serve") == 0) return kms::cli::serve_main(argc - 1, argv + 1);
        if (argc > 1 && std::strcmp(argv[1], "bench") == 0) return kms::cli::bench_main(argc - 1, argv + 1);
        if (argc > 1 && std::strcmp(argv[1], "judge") == 0) return kms::cli::judge_main(argc - 1, argv + 1);
        if (argc > 1 && std::strcmp(argv[1], "proxy") == 0) return kms::cli::proxy_main(argc - 1, argv + 1);
        if (argc > 1 && std::strcmp(argv[1], "run") == 0) return kms::cli::run_main(argc - 1, argv + 1);
        // A first word that is no command and no option is a mistake (`kmsconf frobnicate`,
        // `kmsconf srve`): running the suites against the embedded server instead would exit
        // 0 having tested nothing the user meant.
        if (argc > 1 && argv[1][0] != '-') {
            std::cerr << "kmsconf: unknown command '" << argv[1] << "' (commands: run, serve, bench, judge, proxy; see kmsconf --help)\n";
            return kms::cli::kExitUsage;
        }
        return kms::cli::run_main(argc, argv);
    } catch (const std::exception& e) {
        // Last resort: every expected failure is reported where it happens with its own code.
        std::cerr << "kmsconf: internal error: " << e.what() << "\n";
        return kms::cli::kExitUsage;
    }
}
