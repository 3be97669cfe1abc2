// An HTML page read back as a tree, for tests that assert on a report's structure rather than
// its text: libxml2's HTML parser (which takes HTML5's elements as unknown ones, fine for
// reading) and XPath queries. Used on report.html and bench-report.html as written, and on the
// DOM headless Chromium dumps after running the page's script. Link LibXml2::LibXml2.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kms::test {

class HtmlDom {
public:
    explicit HtmlDom(const std::string& html)
        : doc_(htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "UTF-8",
                              HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET),
               xmlFreeDoc) {
        if (!doc_) throw std::runtime_error("not HTML");
    }

    // The nodes `xpath` selects.
    std::vector<xmlNodePtr> nodes(const std::string& xpath) const {
        std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(xmlXPathNewContext(doc_.get()),
                                                                             xmlXPathFreeContext);
        std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
            xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx.get()), xmlXPathFreeObject);
        if (!result) throw std::runtime_error("bad XPath " + xpath);
        std::vector<xmlNodePtr> out;
        if (result->nodesetval)
            for (int i = 0; i < result->nodesetval->nodeNr; ++i) out.push_back(result->nodesetval->nodeTab[i]);
        return out;
    }
    std::size_t count(const std::string& xpath) const { return nodes(xpath).size(); }
    // The text content of each node selected, without leading and trailing whitespace (the
    // serializer breaks lines between block elements; a browser does not render them).
    std::vector<std::string> texts(const std::string& xpath) const {
        std::vector<std::string> out;
        for (xmlNodePtr n : nodes(xpath)) out.push_back(text(n));
        return out;
    }
    // The text content of the first node selected; "" when none.
    std::string text(const std::string& xpath) const {
        const auto found = nodes(xpath);
        return found.empty() ? std::string() : text(found.front());
    }
    static std::string text(xmlNodePtr n) {
        xmlChar* content = xmlNodeGetContent(n);
        std::string out = content ? reinterpret_cast<const char*>(content) : "";
        xmlFree(content);
        const auto first = out.find_first_not_of(" \t\r\n");
        if (first == std::string::npos) return "";
        return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
    }
    static std::string attr(xmlNodePtr n, const char* name) {
        xmlChar* value = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
        std::string out = value ? reinterpret_cast<const char*>(value) : "";
        xmlFree(value);
        return out;
    }
    static bool has_attr(xmlNodePtr n, const char* name) {
        return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
    }

private:
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc_;
};

// XPath for an element whose class list holds `name`.
inline std::string with_class(const std::string& element, const std::string& name) {
    return element + "[contains(concat(' ', normalize-space(@class), ' '), ' " + name + " ')]";
}

}  // namespace kms::test
