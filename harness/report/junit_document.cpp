#include "harness/report/junit_document.hpp"

#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace kms {

namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// xmlTextWriter over a memory buffer; every call checked, so a document is whole or not at all.
class Writer {
public:
    Writer() : buffer_(xmlBufferCreate(), &xmlBufferFree) {
        if (!buffer_) throw std::runtime_error("libxml2: cannot allocate a buffer");
        writer_ = xmlNewTextWriterMemory(buffer_.get(), 0);
        if (!writer_) throw std::runtime_error("libxml2: cannot create a writer");
        check(xmlTextWriterSetIndent(writer_, 1));
        check(xmlTextWriterSetIndentString(writer_, x("  ")));
        check(xmlTextWriterStartDocument(writer_, nullptr, "UTF-8", nullptr));
    }
    ~Writer() {
        if (writer_) xmlFreeTextWriter(writer_);
    }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void start(const char* element) { check(xmlTextWriterStartElement(writer_, x(element))); }
    void attribute(const char* name, const std::string& value) {
        check(xmlTextWriterWriteAttribute(writer_, x(name), x(xml_safe_text(value).c_str())));
    }
    void text(const std::string& value) { check(xmlTextWriterWriteString(writer_, x(xml_safe_text(value).c_str()))); }
    void end() { check(xmlTextWriterEndElement(writer_)); }
    std::string finish() {
        check(xmlTextWriterEndDocument(writer_));
        xmlFreeTextWriter(writer_);  // flushes into the buffer
        writer_ = nullptr;
        return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                           static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
    }

private:
    static void check(int rc) {
        if (rc < 0) throw std::runtime_error("libxml2 could not write the JUnit document");
    }
    std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer_;
    xmlTextWriterPtr writer_ = nullptr;
};

// Both schemas' time: junit-10's SUREFIRE_TIME pattern (up to 3 decimals) and xs:float.
std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
    return buf;
}

struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
};

Counts count(const JunitSuite& s) {
    Counts c;
    for (const auto& t : s.cases) {
        ++c.tests;
        c.failures += t.outcome == JunitCase::Outcome::failed;
        c.errors += t.outcome == JunitCase::Outcome::error;
        c.skipped += t.outcome == JunitCase::Outcome::skipped;
        c.seconds += t.seconds;
    }
    return c;
}

void write_outcome(Writer& w, const JunitCase& t) {
    const char* element = t.outcome == JunitCase::Outcome::failed    ? "failure"
                          : t.outcome == JunitCase::Outcome::error   ? "error"
                          : t.outcome == JunitCase::Outcome::skipped ? "skipped"
                                                                     : nullptr;
    if (!element) return;
    w.start(element);
    if (!t.message.empty()) w.attribute("message", t.message);
    // Surefire's <skipped> takes a message only.
    if (!t.type.empty() && t.outcome != JunitCase::Outcome::skipped) w.attribute("type", t.type);
    if (!t.text.empty()) w.text(t.text);
    w.end();
}

void write_case(Writer& w, const JunitCase& t) {
    w.start("testcase");
    w.attribute("name", t.name);
    w.attribute("classname", t.classname);
    w.attribute("time", seconds_text(t.seconds));
    write_outcome(w, t);
    if (!t.system_out.empty()) {
        w.start("system-out");
        w.text(t.system_out);
        w.end();
    }
    w.end();
}

void write_suite(Writer& w, const JunitDocument& doc, const JunitSuite& s) {
    const Counts c = count(s);
    w.start("testsuite");
    w.attribute("name", s.name);
    w.attribute("tests", std::to_string(c.tests));
    w.attribute("failures", std::to_string(c.failures));
    w.attribute("errors", std::to_string(c.errors));
    w.attribute("skipped", std::to_string(c.skipped));
    w.attribute("time", seconds_text(c.seconds));
    if (!doc.timestamp.empty()) w.attribute("timestamp", doc.timestamp);
    w.start("properties");
    for (const auto& [name, value] : doc.properties) {
        w.start("property");
        w.attribute("name", name);
        w.attribute("value", value);
        w.end();
    }
    w.end();
    for (const auto& t : s.cases) write_case(w, t);
    w.end();
}

}  // namespace

std::string junit_xml(const JunitDocument& doc) {
    Counts total;
    for (const auto& s : doc.suites) {
        const Counts c = count(s);
        total.tests += c.tests;
        total.failures += c.failures;
        total.errors += c.errors;
        total.seconds += c.seconds;
    }
    Writer w;
    // junit-10.xsd allows only these on the root (no skipped, no timestamp).
    w.start("testsuites");
    w.attribute("name", doc.name);
    w.attribute("tests", std::to_string(total.tests));
    w.attribute("failures", std::to_string(total.failures));
    w.attribute("errors", std::to_string(total.errors));
    w.attribute("time", seconds_text(total.seconds));
    for (const auto& s : doc.suites) write_suite(w, doc, s);
    w.end();
    return w.finish();
}

void write_junit_file(const std::string& file, const JunitDocument& doc) {
    const std::string xml = junit_xml(doc);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << xml;
    if (!out) throw std::runtime_error("cannot write " + file);
}

std::string xml_safe_text(const std::string& text) {
    static const std::string kReplacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t left = text.size();
    while (left > 0) {
        int len = static_cast<int>(left > 4 ? 4 : left);
        const int c = xmlGetUTF8Char(p, &len);
        const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                             (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
        if (c < 0 || len <= 0) {  // invalid UTF-8: drop one byte
            out += kReplacement;
            ++p;
            --left;
            continue;
        }
        if (allowed) out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len));
        else out += kReplacement;
        p += len;
        left -= static_cast<std::size_t>(len);
    }
    return out;
}

std::string one_line(const std::string& text, std::size_t max) {
    std::string line = text.substr(0, text.find_first_of("\r\n"));
    if (line.size() <= max) return line;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    return line.substr(0, cut) + "...";
}

}  // namespace kms
