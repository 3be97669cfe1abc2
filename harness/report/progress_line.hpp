// The one updating line a run shows on a terminal while its cases run:
// "[ 37/126] malformed.truncated-json". Drawn over itself with a carriage return and erased
// (with spaces) before anything else is printed, so that the per-case detail lines stay intact. Off a
// terminal it draws nothing: a CI log gets no carriage returns and no escape codes.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace kms {

// The line's text, at most `width` columns (a longer name is cut and ends in "…").
std::string progress_text(int index, int total, std::string_view name, std::size_t width);

class ProgressLine {
public:
    // `enabled`: the stream is a terminal (ConsoleStyle::terminal) and the run is not --quiet.
    ProgressLine(std::FILE* stream, bool enabled) : stream_(stream), enabled_(enabled) {}

    void show(int index, int total, std::string_view name);
    // Erases the line, if one is drawn; call before printing anything else.
    void clear();

private:
    std::FILE* stream_;
    bool enabled_;
    std::size_t drawn_ = 0;  // columns of the line on screen, 0 when none
};

// While alive, whatever the run writes to `stream` (std::cout: the per-case lines of the
// cases and of the stateful run) first erases the progress line; with `discard` (--quiet) it
// is dropped instead. Restores the stream's buffer when it goes.
class ProgressGuard {
public:
    ProgressGuard(std::ostream& stream, ProgressLine& progress, bool discard);
    ~ProgressGuard();
    ProgressGuard(const ProgressGuard&) = delete;
    ProgressGuard& operator=(const ProgressGuard&) = delete;

private:
    std::ostream& stream_;
    std::streambuf* original_;
    std::unique_ptr<std::streambuf> wrapper_;
};

}  // namespace kms
