// SIGINT and SIGTERM for the commands that run until stopped (serve, proxy): blocked in the
// calling thread and in every thread it starts afterwards (they inherit the mask), so that the
// waits below are their only receiver; the previous mask is restored on scope exit.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <ctime>

namespace kms::cli {

class StopSignals {
public:
    StopSignals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, &old_);
    }
    ~StopSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // The signal, when it comes.
    int wait() const {
        int sig = 0;
        sigwait(&set_, &sig);
        return sig;
    }
    // The signal that came within `wait`, or 0 (so the caller can watch other reasons to stop).
    int wait_for(std::chrono::milliseconds wait) const {
        const timespec ts{static_cast<std::time_t>(wait.count() / 1000), static_cast<long>(wait.count() % 1000) * 1000000L};
        const int sig = sigtimedwait(&set_, nullptr, &ts);
        return sig > 0 ? sig : 0;
    }

private:
    sigset_t set_{};
    sigset_t old_{};
};

}  // namespace kms::cli
