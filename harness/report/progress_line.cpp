#include "harness/report/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace kms {

namespace {

std::size_t columns(std::FILE* stream) {
    winsize ws{};
    if (::ioctl(::fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

// Columns a UTF-8 text takes (one per character: the line holds no wide ones).
std::size_t width_of(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text) n += (c & 0xc0) != 0x80;
    return n;
}

// Forwards to the stream's own buffer, erasing the progress line before the first byte; or
// swallows everything.
class ErasingBuffer : public std::streambuf {
public:
    ErasingBuffer(std::streambuf* target, ProgressLine& progress, bool discard)
        : target_(target), progress_(progress), discard_(discard) {}

protected:
    int_type overflow(int_type c) override {
        if (discard_ || traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        progress_.clear();
        return target_->sputc(traits_type::to_char_type(c));
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (discard_) return n;
        progress_.clear();
        return target_->sputn(s, n);
    }
    int sync() override { return discard_ ? 0 : target_->pubsync(); }

private:
    std::streambuf* target_;
    ProgressLine& progress_;
    bool discard_;
};

}  // namespace

ProgressGuard::ProgressGuard(std::ostream& stream, ProgressLine& progress, bool discard)
    : stream_(stream), original_(stream.rdbuf()), wrapper_(std::make_unique<ErasingBuffer>(original_, progress, discard)) {
    stream_.rdbuf(wrapper_.get());
}

ProgressGuard::~ProgressGuard() {
    stream_.flush();
    stream_.rdbuf(original_);
}

std::string progress_text(int index, int total, std::string_view name, std::size_t width) {
    const std::string t = std::to_string(total);
    std::string i = std::to_string(index);
    if (i.size() < t.size()) i.insert(0, t.size() - i.size(), ' ');
    std::string out = "[" + i + "/" + t + "] ";
    // One column is kept free: a line that fills the terminal wraps on some of them.
    const std::size_t room = width > out.size() + 1 ? width - out.size() - 1 : 0;
    if (name.size() <= room) return out.append(name);
    if (room == 0) return out;
    return out.append(name.substr(0, room - 1)).append("\u2026");
}

// Drawn and erased with carriage returns and spaces, no escape code: a run under NO_COLOR on a
// terminal holds no ESC byte at all.
void ProgressLine::show(int index, int total, std::string_view name) {
    if (!enabled_) return;
    std::string text = progress_text(index, total, name, columns(stream_));
    const std::size_t shown = width_of(text);
    if (shown < drawn_) text.append(drawn_ - shown, ' ');
    std::fprintf(stream_, "\r%s", text.c_str());
    std::fflush(stream_);
    drawn_ = shown;
}

void ProgressLine::clear() {
    if (drawn_ == 0) return;
    std::fprintf(stream_, "\r%s\r", std::string(drawn_, ' ').c_str());
    std::fflush(stream_);
    drawn_ = 0;
}

}  // namespace kms
