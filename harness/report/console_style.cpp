#include "harness/report/console_style.hpp"

#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace kms {

ConsoleStyle ConsoleStyle::detect(std::FILE* stream) {
    ConsoleStyle s;
    s.terminal = ::isatty(::fileno(stream)) == 1;
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    s.colour = s.terminal && !(no_colour && *no_colour) && !(term && std::strcmp(term, "dumb") == 0);
    return s;
}

std::string ConsoleStyle::paint(std::string_view text, Colour c) const {
    if (!colour || c == Colour::none) return std::string(text);
    const char* code = "";
    switch (c) {
        case Colour::green: code = "32"; break;
        case Colour::red: code = "31"; break;
        case Colour::yellow: code = "33"; break;
        case Colour::blue: code = "34"; break;
        case Colour::grey: code = "90"; break;
        case Colour::bold: code = "1"; break;
        case Colour::none: break;
    }
    return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

}  // namespace kms
