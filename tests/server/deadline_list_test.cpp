// The sweep's list of connection deadlines: the sweep reaches exactly the members past their
// deadline, once; members leave the list when destroyed (also while others are swept); a list
// destroyed before its members leaves them nothing to unlink from.
#include "server/deadline_list.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

namespace kms::server {
namespace {

using Clock = Deadlined::Clock;
using namespace std::chrono_literals;

struct Member final : Deadlined {
    int fired = 0;
    std::function<void()> on_fire;
    void on_deadline() override {
        ++fired;
        if (on_fire) on_fire();
    }
    ~Member() = default;
};

TEST(DeadlineList, TheSweepReachesThosePastTheirDeadlineOnce) {
    DeadlineList list;
    const auto t0 = Clock::now();
    Member early, late, none;
    for (Member* m : {&early, &late, &none}) list.add(*m);
    list.add(early);  // a second add changes nothing
    EXPECT_EQ(list.size(), 3u);
    early.set_deadline(t0 + 1s);
    late.set_deadline(t0 + 5s);
    list.sweep(t0);
    EXPECT_EQ(early.fired + late.fired + none.fired, 0);
    list.sweep(t0 + 1s);
    EXPECT_EQ(early.fired, 1) << "at the deadline";
    EXPECT_EQ(late.fired, 0);
    list.sweep(t0 + 2s);
    EXPECT_EQ(early.fired, 1) << "the deadline is cleared when it fires";
    list.sweep(t0 + 10s);
    EXPECT_EQ(late.fired, 1);
    EXPECT_EQ(none.fired, 0) << "no deadline set: never";
}

TEST(DeadlineList, MembersLeaveWhenDestroyedEvenDuringASweep) {
    DeadlineList list;
    const auto t0 = Clock::now();
    std::vector<std::unique_ptr<Member>> members;
    for (int i = 0; i < 5; ++i) {
        members.push_back(std::make_unique<Member>());
        list.add(*members.back());
        members.back()->set_deadline(t0);
    }
    members[1].reset();
    EXPECT_EQ(list.size(), 4u);
    // A member whose deadline destroys another one (not the next in line: the sweep holds that).
    members[4]->on_fire = [&] { members[0].reset(); };
    list.sweep(t0);
    EXPECT_EQ(list.size(), 3u);
    for (auto& m : members)
        if (m) {
            EXPECT_EQ(m->fired, 1);
        }
    members.clear();
    EXPECT_EQ(list.size(), 0u);
}

TEST(DeadlineList, AListDestroyedFirstLeavesItsMembersFree) {
    Member m;
    {
        DeadlineList list;
        list.add(m);
    }
    // Free: it joins another list (add() ignores a member still listed), is swept there, and
    // leaves it when destroyed; ASan would see a touch of the freed list.
    DeadlineList other;
    {
        Member n;
        other.add(n);
        other.add(m);
        EXPECT_EQ(other.size(), 2u);
        m.set_deadline(Clock::now());
        other.sweep(Clock::now());
        EXPECT_EQ(m.fired, 1);
    }
    EXPECT_EQ(other.size(), 1u);
}

}  // namespace
}  // namespace kms::server
