// Releases the shards together once every one has opened its connections, so that set-up time
// is outside the measurement and the open-loop schedule has one t0 for all; and tells the
// run's thread when they have finished.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace kms::bench {

class StartGate {
public:
    void arrive() {
        std::lock_guard<std::mutex> lock(m_);
        ++arrived_;
        cv_.notify_all();
    }
    void wait_all(unsigned n) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return arrived_ >= n; });
    }
    void open() {
        std::lock_guard<std::mutex> lock(m_);
        open_ = true;
        cv_.notify_all();
    }
    void wait_open() {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return open_; });
    }
    // Waits up to `d` for `n` finished shards; true when they are.
    bool wait_done(unsigned n, std::chrono::milliseconds d) {
        std::unique_lock<std::mutex> lock(m_);
        return cv_.wait_for(lock, d, [&] { return done_ >= n; });
    }
    void done() {
        std::lock_guard<std::mutex> lock(m_);
        ++done_;
        cv_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    unsigned arrived_ = 0, done_ = 0;
    bool open_ = false;
};

}  // namespace kms::bench
