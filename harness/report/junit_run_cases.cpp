#include "harness/report/junit_run_cases.hpp"

#include "harness/report/junit_findings.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

namespace kms {

namespace {

using Doc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

std::string attribute(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, x(name));
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
}

bool is_element(xmlNode* n, const char* name) { return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, x(name)); }

void collect_names(xmlNode* node, std::set<std::pair<std::string, std::string>>& out) {
    for (xmlNode* n = node; n; n = n->next) {
        if (is_element(n, "testcase")) out.insert({attribute(n, "classname"), attribute(n, "name")});
        else if (n->children) collect_names(n->children, out);
    }
}

void set_int(xmlNode* node, const char* name, int value) {
    xmlSetProp(node, x(name), x(std::to_string(value).c_str()));
}

int int_attribute(xmlNode* node, const char* name) {
    const std::string v = attribute(node, name);
    return v.empty() ? 0 : std::atoi(v.c_str());
}

std::string seconds(std::chrono::nanoseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::chrono::duration<double>(d).count());
    return buf;
}

bool counts_failed(Verdict v, bool strict) { return v == Verdict::fail || (strict && v == Verdict::non_strict); }

}  // namespace

void add_run_cases_to_junit(const std::filesystem::path& junit_xml, const RunTally& tally, const BaseUrl& base,
                            bool strict, const std::vector<std::string>& warnings) {
    Doc doc(xmlReadFile(junit_xml.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
            &xmlFreeDoc);
    if (!doc) throw std::runtime_error("cannot read " + junit_xml.string() + " to add the run's own cases");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root || !is_element(root, "testsuites")) throw std::runtime_error(junit_xml.string() + ": no <testsuites> root");
    std::set<std::pair<std::string, std::string>> present;
    collect_names(root->children, present);

    std::map<std::string, xmlNode*> suites;  // appended ones, by name
    int added = 0, failed = 0;
    for (const auto& e : tally.entries()) {
        if (present.count({e.c.suite, e.c.id})) continue;
        xmlNode*& suite = suites[e.c.suite];
        if (!suite) {
            suite = xmlNewChild(root, nullptr, x("testsuite"), nullptr);
            xmlSetProp(suite, x("name"), x(xml_safe_text(e.c.suite).c_str()));
            for (const char* a : {"tests", "failures", "disabled", "skipped", "errors"}) set_int(suite, a, 0);
            xmlSetProp(suite, x("time"), x("0"));
        }
        xmlNode* tc = xmlNewChild(suite, nullptr, x("testcase"), nullptr);
        xmlSetProp(tc, x("name"), x(xml_safe_text(e.c.id).c_str()));
        xmlSetProp(tc, x("file"), x(xml_safe_text(e.c.file).c_str()));
        set_int(tc, "line", e.c.line);
        xmlSetProp(tc, x("status"), x("run"));
        const bool skipped = e.result.verdict == Verdict::skipped;
        xmlSetProp(tc, x("result"), x(skipped ? "skipped" : "completed"));
        xmlSetProp(tc, x("time"), x(seconds(e.result.elapsed).c_str()));
        xmlSetProp(tc, x("classname"), x(xml_safe_text(e.c.suite).c_str()));
        set_int(suite, "tests", int_attribute(suite, "tests") + 1);
        ++added;
        if (skipped) {
            xmlNode* s = xmlNewChild(tc, nullptr, x("skipped"), nullptr);
            xmlSetProp(s, x("message"), x(xml_safe_text(e.result.skip_reason).c_str()));
            set_int(suite, "skipped", int_attribute(suite, "skipped") + 1);
        } else if (counts_failed(e.result.verdict, strict)) {
            const std::string text = describe_result(e.c, e.result, base);
            xmlNode* f = xmlNewChild(tc, nullptr, x("failure"), nullptr);
            xmlSetProp(f, x("message"), x(xml_safe_text(text).c_str()));
            xmlSetProp(f, x("type"), x(""));
            xmlNodeAddContent(f, x(xml_safe_text(text).c_str()));
            set_int(suite, "failures", int_attribute(suite, "failures") + 1);
            ++failed;
        }
    }
    set_int(root, "tests", int_attribute(root, "tests") + added);
    set_int(root, "failures", int_attribute(root, "failures") + failed);
    if (!warnings.empty()) {
        // Before the suites, where JUnit readers look for a run's properties.
        xmlNode* props = xmlNewNode(nullptr, x("properties"));
        for (const auto& w : warnings) {
            xmlNode* p = xmlNewChild(props, nullptr, x("property"), nullptr);
            xmlSetProp(p, x("name"), x("kmsconf.warning"));
            xmlSetProp(p, x("value"), x(xml_safe_text(w).c_str()));
        }
        if (root->children) xmlAddPrevSibling(root->children, props);
        else xmlAddChild(root, props);
    }
    if (xmlSaveFileEnc(junit_xml.c_str(), doc.get(), "UTF-8") < 0)
        throw std::runtime_error("cannot write " + junit_xml.string());
}

}  // namespace kms
