// How the run's console output may look: a progress line only on a terminal, colour only on a
// terminal and never when NO_COLOR is set (https://no-color.org: any non-empty value) or TERM
// is "dumb". Off a terminal (CI logs) the output holds no escape code at all.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace kms {

enum class Colour { none, green, red, yellow, blue, grey, bold };

struct ConsoleStyle {
    bool terminal = false;  // the stream is a terminal: the progress line may be drawn
    bool colour = false;

    // For `stream` (stdout, where a run prints), as the environment asks.
    static ConsoleStyle detect(std::FILE* stream);

    // `text` in `colour` when colour is on, else `text` unchanged.
    std::string paint(std::string_view text, Colour c) const;
};

}  // namespace kms
