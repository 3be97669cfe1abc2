// Helpers for the end-to-end tests of the kmsconf binary (cli_test.cpp, cli_tls_test.cpp): run
// it as a user would, bounded by a timeout, and run `kmsconf serve` in its own process. The
// including target defines KMSCONF_BINARY (the binary's path).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kms::cli_test {

namespace fs = std::filesystem;

struct Result {
    int code = -1;
    std::string output;  // stdout and stderr together
};

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A fresh (emptied) directory under the system temp dir, private to this test process.
inline fs::path temp_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("kmsconf-cli-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// Runs `binary` with `args` (shell words), bounded by `timeout` seconds; `env` (env(1) words:
// NAME=value, -u NAME) changes its environment.
inline Result run_binary(const std::string& binary, const std::string& args, int timeout = 60, const std::string& env = "") {
    auto out = temp_dir("out") / "output.txt";
    std::string cmd = (env.empty() ? "" : "env " + env + " ") + "timeout " + std::to_string(timeout) +
                      " " + binary + " " + args + " >" + out.string() + " 2>&1";
    int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.output = read_file(out);
    return r;
}

// Runs the built kmsconf (build/harness/kmsconf), as run_binary does.
inline Result kmsconf(const std::string& args, int timeout = 60, const std::string& env = "") {
    return run_binary(KMSCONF_BINARY, args, timeout, env);
}

// One case's outcome in a run, as summary.json records it.
struct CaseOutcome {
    std::string verdict;
    std::vector<int> statuses;     // one per exchange; -1 where no response came
    std::set<std::string> checks;  // of its findings
};

// Every case of a run's summary.json by "suite.id"; empty when the file is missing or not
// the expected shape (the caller's size assertion then fails).
inline std::map<std::string, CaseOutcome> read_case_outcomes(const fs::path& summary) {
    std::map<std::string, CaseOutcome> out;
    rapidjson::Document d;
    d.Parse(read_file(summary).c_str());
    if (!d.IsObject() || !d.HasMember("cases") || !d["cases"].IsArray()) return out;
    for (const auto& c : d["cases"].GetArray()) {
        CaseOutcome o;
        o.verdict = c["verdict"].GetString();
        for (const auto& s : c["statuses"].GetArray()) o.statuses.push_back(s.IsInt() ? s.GetInt() : -1);
        for (const auto& f : c["findings"].GetArray()) o.checks.insert(f["check"].GetString());
        out[std::string(c["suite"].GetString()) + "." + c["id"].GetString()] = std::move(o);
    }
    return out;
}

// The checks of the failing cases' findings in a run's summary.json.
inline std::set<std::string> failing_checks(const fs::path& summary) {
    std::set<std::string> out;
    for (const auto& [id, o] : read_case_outcomes(summary))
        if (o.verdict == "fail") out.insert(o.checks.begin(), o.checks.end());
    return out;
}

// True for the cases a run judges beside the suite files' (issue 9): the key reads
// (key-state.*) and the followed operations (operations.*), which --list cannot know.
inline bool is_run_own_case(const std::string& full_name) {
    return full_name.rfind("key-state.", 0) == 0 || full_name.rfind("operations.", 0) == 0;
}

// How many of those a run's summary.json holds.
inline int run_own_cases(const fs::path& summary) {
    int n = 0;
    for (const auto& entry : read_case_outcomes(summary)) n += is_run_own_case(entry.first);
    return n;
}

// A reference server in its own process (`kmsconf serve --port 0 ARGS`), so that the harness
// judges it only over HTTP. url() is what its "listening on" line announced (http:// or
// https://), empty when no such line came within 10 s; the process is then stopped.
struct ShellCommand {
    std::string text;  // run with sh -c; should `exec` the server so that SIGTERM reaches it
};

class ServerProcess {
public:
    explicit ServerProcess(const std::string& args)
        : ServerProcess(ShellCommand{"exec " KMSCONF_BINARY " serve --port 0 " + args}) {}
    // Any server that announces "listening on http(s)://..." on its first stdout line (a
    // scripted test origin, say).
    explicit ServerProcess(const ShellCommand& command) {
        int fds[2];
        if (pipe(fds) != 0) return;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl("/bin/sh", "sh", "-c", command.text.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        if (pid_ < 0) {
            close(fds[0]);
            return;
        }
        line_ = read_line(fds[0], std::chrono::seconds(10));
        close(fds[0]);
        std::smatch m;
        if (std::regex_search(line_, m, std::regex("listening on (https?://\\S+)"))) url_ = m[1];
    }
    ~ServerProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            int status = 0;
            waitpid(pid_, &status, 0);
        }
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& url() const { return url_; }
    const std::string& line() const { return line_; }  // the first stdout line, as printed
    // The port of url(), 0 when there is none.
    int port() const {
        std::smatch m;
        return std::regex_search(url_, m, std::regex(":(\\d+)/")) ? std::stoi(m[1]) : 0;
    }

private:
    // Up to the first newline, or whatever came before EOF or the deadline.
    static std::string read_line(int fd, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string line;
        while (line.find('\n') == std::string::npos && line.size() < 4096) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[256];
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<std::size_t>(n));
        }
        return line.substr(0, line.find('\n'));
    }

    pid_t pid_ = -1;
    std::string url_;
    std::string line_;
};

inline int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace kms::cli_test
