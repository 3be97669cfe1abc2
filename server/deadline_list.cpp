#include "server/deadline_list.hpp"

namespace kms::server {

Deadlined::~Deadlined() {
    if (list_) list_->remove(*this);
}

DeadlineList::~DeadlineList() {
    // Members still listed (a list destroyed first) must not unlink from it later.
    for (Deadlined* d = head_; d;) {
        Deadlined* next = d->next_;
        d->list_ = nullptr;
        d->prev_ = d->next_ = nullptr;
        d = next;
    }
}

void DeadlineList::add(Deadlined& d) {
    if (d.list_) return;
    d.list_ = this;
    d.prev_ = nullptr;
    d.next_ = head_;
    if (head_) head_->prev_ = &d;
    head_ = &d;
    ++size_;
}

void DeadlineList::remove(Deadlined& d) {
    if (d.prev_) d.prev_->next_ = d.next_;
    else head_ = d.next_;
    if (d.next_) d.next_->prev_ = d.prev_;
    d.list_ = nullptr;
    d.prev_ = d.next_ = nullptr;
    --size_;
}

void DeadlineList::sweep(Deadlined::Clock::time_point now) {
    for (Deadlined* d = head_; d;) {
        // on_deadline() closes a socket, which queues completions but destroys nothing now;
        // the next member is taken first all the same.
        Deadlined* next = d->next_;
        if (d->deadline_ <= now) {
            d->clear_deadline();
            d->on_deadline();
        }
        d = next;
    }
}

}  // namespace kms::server
