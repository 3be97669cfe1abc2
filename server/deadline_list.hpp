// The deadlines of one I/O thread's connections, kept as a list that a periodic sweep walks,
// instead of an Asio timer per connection re-armed before every read and write: re-arming was
// two timerfd_settime calls per request, and each cancelled wait one more completion (and
// epoll_wait) through the event loop. A deadline is now a time stored in the connection; the
// sweep (every tick, http_server.cpp) closes those past theirs, so a timeout fires up to one
// tick late. Single-threaded: a list, and its connections, belong to one I/O thread.
#pragma once

#include <chrono>

namespace kms::server {

class DeadlineList;

// A connection with a deadline. It joins a list once and leaves it when destroyed.
class Deadlined {
public:
    using Clock = std::chrono::steady_clock;

    Deadlined() = default;
    Deadlined(const Deadlined&) = delete;
    Deadlined& operator=(const Deadlined&) = delete;

    void set_deadline(Clock::time_point at) { deadline_ = at; }
    void set_deadline_in(Clock::duration d) { deadline_ = Clock::now() + d; }
    void clear_deadline() { deadline_ = Clock::time_point::max(); }
    Clock::time_point deadline() const { return deadline_; }

protected:
    ~Deadlined();
    // Called by the sweep once the deadline has passed (the deadline is cleared first): the
    // connection closes, which ends its pending operation with an error.
    virtual void on_deadline() = 0;

private:
    friend class DeadlineList;
    Clock::time_point deadline_ = Clock::time_point::max();
    DeadlineList* list_ = nullptr;
    Deadlined* prev_ = nullptr;
    Deadlined* next_ = nullptr;
};

class DeadlineList {
public:
    DeadlineList() = default;
    ~DeadlineList();
    DeadlineList(const DeadlineList&) = delete;
    DeadlineList& operator=(const DeadlineList&) = delete;

    void add(Deadlined& d);
    // Calls on_deadline() of each member whose deadline is at or before `now`.
    void sweep(Deadlined::Clock::time_point now);
    std::size_t size() const { return size_; }

private:
    friend class Deadlined;
    void remove(Deadlined& d);

    Deadlined* head_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace kms::server
