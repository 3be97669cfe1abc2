// The HTML reports' one way to make markup: a libxml2 HTML tree (htmlNewDocNoDtD, xmlNewChild),
// serialized by libxml2 (htmlDocDumpMemoryFormat), so that every text and attribute value,
// what servers sent included, is escaped by the library and never by string concatenation.
// Text is made valid XML characters first (xml_safe_text: invalid UTF-8 and control characters
// become U+FFFD). The libxml2 headers stay in html_tree.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct _xmlNode;
struct _xmlDoc;

namespace kms::html {

// A handle on one element of a Document (the Document owns it).
class Element {
public:
    explicit Element(_xmlNode* node) : node_(node) {}

    // A new last child <tag>, holding `text` when it is not empty.
    Element add(const char* tag, std::string_view text = {});
    // Appends a text node. Refused (std::logic_error) in <script> and <style>, whose content
    // HTML does not unescape: only code() goes there.
    Element& text(std::string_view text);
    Element& attr(const char* name, std::string_view value);
    // A boolean attribute, written bare: <details open>.
    Element& flag(const char* name);
    // The content of a <script> or <style>: the report's own constant code, never data.
    // std::logic_error if it could end the element ("</").
    Element& code(std::string_view code);

    _xmlNode* node() const { return node_; }

private:
    _xmlNode* node_;
};

class Document {
public:
    // <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>title</title></head><body>
    explicit Document(std::string_view title);

    Element head() const;
    Element body() const;

    // The page as HTML text (non-ASCII written as character references, so the file is ASCII).
    // std::runtime_error if libxml2 fails.
    std::string serialize() const;
    // Writes serialize() to `file`; std::runtime_error naming the file when it cannot.
    void write(const std::filesystem::path& file) const;

private:
    struct Free {
        void operator()(_xmlDoc* doc) const;
    };
    std::unique_ptr<_xmlDoc, Free> doc_;
    _xmlNode* head_ = nullptr;
    _xmlNode* body_ = nullptr;
};

}  // namespace kms::html
