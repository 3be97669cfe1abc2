// Helpers for the end-to-end tests of `kmsconf proxy` (cli_proxy_test.cpp,
// cli_traffic_faults_test.cpp): the proxy in its own process, stopped by a signal or by itself.
#pragma once

#include "tests/cli/cli_support.hpp"

#include <fcntl.h>

namespace kms::cli_test {

// `kmsconf proxy ARGS` in its own process, its console in a file. url() is the address its
// first line announced (empty when none came within 10 s).
class ProxyProcess {
public:
    ProxyProcess(const std::string& args, const std::string& name) : console_(temp_dir(name + "-console") / "proxy.txt") {
        pid_ = fork();
        if (pid_ == 0) {
            const int fd = ::open(console_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            const std::string command = "exec " KMSCONF_BINARY " proxy " + args;
            execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 200 && url_.empty() && !reaped_; ++i) {
            std::smatch m;
            const std::string text = read_file(console_);
            if (std::regex_search(text, m, std::regex("listening on (http://127\\.0\\.0\\.1:\\d+)"))) url_ = m[1];
            else if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
            else usleep(50000);
        }
    }
    ~ProxyProcess() {
        if (pid_ > 0 && !reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status_, 0);
        }
    }
    ProxyProcess(const ProxyProcess&) = delete;
    ProxyProcess& operator=(const ProxyProcess&) = delete;

    const std::string& url() const { return url_; }
    int port() const { return url_.empty() ? 0 : std::stoi(url_.substr(url_.rfind(':') + 1)); }

    // SIGINT (or `signal`), then its exit code and console; SIGKILL after 30 s (code -1).
    Result stop(int signal = SIGINT) {
        if (!reaped_) kill(pid_, signal);
        return wait(30);
    }
    // Its exit, by itself (--max-exchanges, --duration), within `seconds`.
    Result wait(int seconds) {
        for (int i = 0; i < seconds * 20 && !reaped_; ++i) {
            if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
            else usleep(50000);
        }
        if (!reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status_, 0);
            reaped_ = true;
            return {-1, read_file(console_)};
        }
        return {WIFEXITED(status_) ? WEXITSTATUS(status_) : -1, read_file(console_)};
    }

private:
    fs::path console_;
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
    std::string url_;
};

// "http://127.0.0.1:PORT" of a URL with a path: what --upstream takes.
inline std::string origin_of(const std::string& url) {
    std::smatch m;
    return std::regex_search(url, m, std::regex("^(https?://[^/]+)")) ? m[1].str() : url;
}

}  // namespace kms::cli_test
