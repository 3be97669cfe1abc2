#include "harness/report/html/html_tree.hpp"

#include "harness/report/junit_document.hpp"

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace kms::html {

namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

xmlNodePtr must(xmlNodePtr node) {
    if (!node) throw std::runtime_error("libxml2 could not build the HTML report (out of memory)");
    return node;
}

// HTML does not unescape the content of these (raw text elements).
bool raw_text_element(const xmlNode* node) {
    return std::strcmp(reinterpret_cast<const char*>(node->name), "script") == 0 ||
           std::strcmp(reinterpret_cast<const char*>(node->name), "style") == 0;
}

}  // namespace

Element Element::add(const char* tag, std::string_view content) {
    Element child(must(xmlNewChild(node_, nullptr, x(tag), nullptr)));
    if (!content.empty()) child.text(content);
    return child;
}

Element& Element::text(std::string_view content) {
    if (raw_text_element(node_)) throw std::logic_error("text in a <script> or <style> element is not escaped");
    const std::string safe = xml_safe_text(std::string(content));
    xmlNodePtr t = must(xmlNewTextLen(x(safe.c_str()), static_cast<int>(safe.size())));
    xmlAddChild(node_, t);
    return *this;
}

Element& Element::attr(const char* name, std::string_view value) {
    const std::string safe = xml_safe_text(std::string(value));
    // xmlSetProp replaces an attribute of that name; the serializer escapes the value.
    if (!xmlSetProp(node_, x(name), x(safe.c_str()))) throw std::runtime_error("libxml2 could not set an attribute");
    return *this;
}

Element& Element::flag(const char* name) {
    if (!xmlSetProp(node_, x(name), nullptr)) throw std::runtime_error("libxml2 could not set an attribute");
    return *this;
}

Element& Element::code(std::string_view code) {
    if (!raw_text_element(node_)) throw std::logic_error("code() is for <script> and <style> only");
    if (code.find("</") != std::string_view::npos) throw std::logic_error("code would end its element early");
    const std::string text(code);
    xmlAddChild(node_, must(xmlNewTextLen(x(text.c_str()), static_cast<int>(text.size()))));
    return *this;
}

void Document::Free::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }

Document::Document(std::string_view title) : doc_(htmlNewDocNoDtD(nullptr, nullptr)) {
    if (!doc_) throw std::runtime_error("libxml2 could not create the HTML report");
    // <!DOCTYPE html>: standards mode (without it browsers lay the page out in quirks mode).
    xmlCreateIntSubset(doc_.get(), x("html"), nullptr, nullptr);
    xmlNodePtr root = must(xmlNewNode(nullptr, x("html")));
    xmlDocSetRootElement(doc_.get(), root);
    Element html(root);
    html.attr("lang", "en");
    Element head = html.add("head");
    head.add("meta").attr("charset", "utf-8");
    head.add("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1");
    head.add("title", title);
    head_ = head.node();
    body_ = html.add("body").node();
}

Element Document::head() const { return Element(head_); }
Element Document::body() const { return Element(body_); }

std::string Document::serialize() const {
    xmlChar* mem = nullptr;
    int size = 0;
    htmlDocDumpMemoryFormat(doc_.get(), &mem, &size, 1);
    if (!mem || size <= 0) throw std::runtime_error("libxml2 could not serialize the HTML report");
    std::string out(reinterpret_cast<const char*>(mem), static_cast<std::size_t>(size));
    xmlFree(mem);
    return out;
}

void Document::write(const std::filesystem::path& file) const {
    const std::string text = serialize();
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace kms::html
