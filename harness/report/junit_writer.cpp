#include "harness/report/junit_writer.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

namespace kms {

namespace {

using Doc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

std::string attribute(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
}

bool is_element(xmlNode* n, const char* name) {
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, reinterpret_cast<const xmlChar*>(name));
}

// A case's findings belong in system-out when they did not fail its test: the failure
// message already carries those of a failed one.
bool shows_in_system_out(const CaseResult& r, bool strict) {
    if (r.findings.empty()) return false;
    return r.verdict == Verdict::informational || r.verdict == Verdict::pass ||
           (r.verdict == Verdict::non_strict && !strict);
}

void visit_testcases(xmlNode* node, const std::map<std::pair<std::string, std::string>, const RunTally::Entry*>& by_name,
                     const BaseUrl& base, bool strict) {
    for (xmlNode* n = node; n; n = n->next) {
        if (is_element(n, "testcase")) {
            auto found = by_name.find({attribute(n, "classname"), attribute(n, "name")});
            if (found != by_name.end() && shows_in_system_out(found->second->result, strict)) {
                const auto& e = *found->second;
                const std::string text = "[" + std::string(to_string(e.result.verdict)) + "] " +
                                         describe_result(e.c, e.result, base);
                xmlNode* out = xmlNewChild(n, nullptr, reinterpret_cast<const xmlChar*>("system-out"), nullptr);
                xmlNodeAddContent(out, reinterpret_cast<const xmlChar*>(xml_safe_text(text).c_str()));
            }
        } else if (n->children) {
            visit_testcases(n->children, by_name, base, strict);
        }
    }
}

}  // namespace

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

void add_findings_to_junit(const std::filesystem::path& junit_xml, const RunTally& tally, const BaseUrl& base,
                           bool strict) {
    Doc doc(xmlReadFile(junit_xml.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
            &xmlFreeDoc);
    if (!doc) throw std::runtime_error("cannot read " + junit_xml.string() + " to add non-failing findings");
    std::map<std::pair<std::string, std::string>, const RunTally::Entry*> by_name;
    for (const auto& e : tally.entries()) by_name[{e.c.suite, e.c.id}] = &e;
    visit_testcases(xmlDocGetRootElement(doc.get()), by_name, base, strict);
    if (xmlSaveFileEnc(junit_xml.c_str(), doc.get(), "UTF-8") < 0)
        throw std::runtime_error("cannot write " + junit_xml.string());
}

}  // namespace kms
