// `kmsconf serve`: flags into ServerOptions, then the server until a signal. The server
// library itself has no command line: this is the harness's CLI side of it.
#include "harness/cli/serve_command.hpp"

#include "common/command_line.hpp"
#include "common/credentials.hpp"
#include "harness/cli/exit_codes.hpp"
#include "harness/cli/stop_signals.hpp"
#include "harness/cli/version_option.hpp"
#include "server/reference_server.hpp"

#include <boost/program_options.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace kms::cli {

namespace {

namespace po = boost::program_options;
using namespace kms::server;

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

po::options_description describe() {
    po::options_description d(
        "Usage: kmsconf serve [options]\n"
        "Runs the reference server in the foreground until SIGINT or SIGTERM; prints\n"
        "\"listening on http://ADDR:PORT/v2\" once bound.\n"
        "Exit codes: 0 stopped by a signal; 2 usage error or unusable certificate; 3 cannot bind.\n\nOptions");
    d.add_options()
        ("help,h", "print this help and exit")
        ("address", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on")
        ("port", po::value<unsigned>()->default_value(0), "port to listen on; 0 picks a free one")
        ("threads", po::value<unsigned>()->default_value(1), "I/O threads (1..64)")
        ("body-limit", po::value<std::size_t>()->default_value(64 * 1024), "largest request body in bytes; larger: 413")
        ("header-limit", po::value<std::size_t>()->default_value(16 * 1024), "largest header block in bytes; larger: 431")
        ("header-timeout-ms", po::value<unsigned>()->default_value(10000), "time allowed for a request head")
        ("idle-timeout-ms", po::value<unsigned>()->default_value(30000), "keep-alive idle limit")
        ("contract", po::value<std::string>()->default_value("2026-03-31"),
         "contract revision to speak: 2026-03-31 (replicate 200 is operation) or 2026-07-20 (success-response)")
        ("operation-settle-ms", po::value<unsigned>()->default_value(2000), "operations turn pending -> success after this")
        ("slow-delay-ms", po::value<unsigned>()->default_value(3000), "response delay of the slow-response fault")
        ("tls-cert", po::value<std::string>(), "serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key")
        ("tls-key", po::value<std::string>(), "the certificate's private key (PEM, unencrypted)")
        ("fault", po::value<std::vector<std::string>>()->composing(), "inject a fault (repeatable); 'list' prints the names")
        ("bench-key-pool", "also know the bench key pool (b3c0b3c0-0000-4000-8000-<12 hex>: multi-zone keys of origin "
                           "ch-gva-2, made when first named), for kmsconf bench's replicate_accepted")
        ("credentials-from-env", "require EXO2 signatures with EXOSCALE_API_KEY / EXOSCALE_API_SECRET")
        ("api-key", po::value<std::string>(), "require EXO2 signatures with this API key")
        ("api-secret-file", po::value<std::string>(), "file holding the API secret (its one non-empty line)")
        ("verbose,v", "log one line per request to stderr");
    add_version_option(d);
    return d;
}

// Credentials: the environment only when asked (--credentials-from-env), and a flag wins
// over it half by half; read by common's reader, as the harness reads them, so that one
// secret file means one secret on both sides.
std::optional<Exo2Credentials> credentials_from(const po::variables_map& vm) {
    auto flag = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
    const bool from_env = vm.count("credentials-from-env") > 0;
    if (!from_env && !vm.count("api-key") && !vm.count("api-secret-file")) return std::nullopt;
    if (vm.count("api-secret-file") && flag("api-secret-file").empty()) throw UsageError("--api-secret-file needs a file");
    auto c = resolve_credentials(flag("api-key"), flag("api-secret-file"), from_env);
    if (!c) throw UsageError("no API key and no API secret: set EXOSCALE_API_KEY and EXOSCALE_API_SECRET, or pass --api-key and --api-secret-file");
    return c;
}

ServerOptions options_from(const po::variables_map& vm) {
    ServerOptions o;
    o.address = vm["address"].as<std::string>();
    unsigned char probe[16];
    if (inet_pton(AF_INET, o.address.c_str(), probe) != 1 && inet_pton(AF_INET6, o.address.c_str(), probe) != 1)
        throw UsageError("--address must be an IPv4 or IPv6 address, got '" + o.address + "'");
    unsigned port = vm["port"].as<unsigned>();
    if (port > 65535) throw UsageError("--port must be 0..65535");
    o.port = static_cast<std::uint16_t>(port);
    o.threads = vm["threads"].as<unsigned>();
    if (o.threads < 1 || o.threads > 64) throw UsageError("--threads must be 1..64");
    o.body_limit = vm["body-limit"].as<std::size_t>();
    o.header_limit = vm["header-limit"].as<std::size_t>();
    if (o.body_limit == 0 || o.header_limit < 256) throw UsageError("--body-limit must be > 0 and --header-limit >= 256");
    o.header_timeout = std::chrono::milliseconds(vm["header-timeout-ms"].as<unsigned>());
    o.idle_timeout = std::chrono::milliseconds(vm["idle-timeout-ms"].as<unsigned>());
    if (o.header_timeout.count() == 0 || o.idle_timeout.count() == 0) throw UsageError("timeouts must be > 0");
    const auto& contract = vm["contract"].as<std::string>();
    auto revision = parse_revision(contract);
    if (!revision) {
        std::string known;
        for (const auto& name : revision_names()) known += (known.empty() ? "" : ", ") + name;
        throw UsageError("--contract must be one of " + known + ", got '" + contract + "'");
    }
    o.service.revision = *revision;
    o.service.operation_settle = std::chrono::milliseconds(vm["operation-settle-ms"].as<unsigned>());
    o.service.slow_delay = std::chrono::milliseconds(vm["slow-delay-ms"].as<unsigned>());
    o.service.bench_key_pool = vm.count("bench-key-pool") > 0;
    if (vm.count("fault")) {
        for (const auto& name : vm["fault"].as<std::vector<std::string>>()) {
            auto f = parse_fault(name);
            if (!f) throw UsageError("unknown --fault " + name + " (try --fault list)");
            o.service.faults.push_back(*f);
        }
    }
    if (vm.count("tls-cert") != vm.count("tls-key"))
        throw UsageError("--tls-cert and --tls-key go together");
    if (vm.count("tls-cert")) {
        o.tls_cert_file = vm["tls-cert"].as<std::string>();
        o.tls_key_file = vm["tls-key"].as<std::string>();
        if (o.tls_cert_file.empty() || o.tls_key_file.empty()) throw UsageError("--tls-cert and --tls-key need a file");
    }
    o.service.credentials = credentials_from(vm);
    if (vm.count("verbose"))
        o.access_log = [](const std::string& line) { std::cerr << line + "\n" << std::flush; };
    return o;
}

}  // namespace

int serve_main(int argc, char** argv) {
    auto desc = describe();
    po::variables_map vm;
    ServerOptions options;
    try {
        CommandLine line = parse_command_line(argc, argv, desc);
        vm = std::move(line.values);
        po::notify(vm);
        if (!line.stray.empty()) throw UsageError("unexpected argument '" + line.stray.front() + "'");
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return kExitOk;
        }
        if (print_version_if_asked(vm, std::cout)) return kExitOk;
        if (vm.count("fault")) {
            const auto& faults = vm["fault"].as<std::vector<std::string>>();
            if (std::find(faults.begin(), faults.end(), "list") != faults.end()) {
                for (const auto& name : fault_names())
                    if (name != "none") std::cout << name << "\n";
                return kExitOk;
            }
        }
        options = options_from(vm);
    } catch (const std::exception& e) {  // po::error, UsageError or CredentialsError
        std::cerr << "kmsconf serve: " << e.what() << "\n(see kmsconf serve --help)\n";
        return kExitUsage;
    }

    // Asio sends with MSG_NOSIGNAL; ignoring SIGPIPE also covers any other write path.
    std::signal(SIGPIPE, SIG_IGN);
    StopSignals signals;  // before start(): the I/O threads inherit the mask
    ReferenceServer server(std::move(options));
    try {
        server.start();
    } catch (const TlsSetupError& e) {  // a configuration error, like a bad flag
        std::cerr << "kmsconf serve: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "kmsconf serve: " << e.what() << "\n";
        return kExitUnreachable;  // cannot bind
    }
    std::cout << "listening on " << server.base_url() << std::endl;  // endl: flushed for scripts
    int sig = signals.wait();
    if (vm.count("verbose")) std::cerr << "kmsconf serve: signal " << sig << ", stopping\n";
    server.stop();
    return kExitOk;
}

}  // namespace kms::cli
