#include "harness/report/junit_properties.hpp"

#include "harness/report/junit_findings.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <stdexcept>

namespace kms {

void add_junit_property(const std::filesystem::path& junit_xml, const std::string& name, const std::string& value) {
    auto as_xml = [](const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); };
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadFile(junit_xml.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING), &xmlFreeDoc);
    xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (!root) throw std::runtime_error("cannot read " + junit_xml.string() + " to add property " + name);
    // The root's <properties>, where JUnit readers look for a run's properties: first child.
    xmlNode* props = root->children;
    while (props && !(props->type == XML_ELEMENT_NODE && xmlStrEqual(props->name, as_xml("properties"))))
        props = props->next;
    if (!props) {
        props = xmlNewNode(nullptr, as_xml("properties"));
        if (root->children) xmlAddPrevSibling(root->children, props);
        else xmlAddChild(root, props);
    }
    xmlNode* p = xmlNewChild(props, nullptr, as_xml("property"), nullptr);
    xmlSetProp(p, as_xml("name"), as_xml(name));
    xmlSetProp(p, as_xml("value"), as_xml(xml_safe_text(value)));
    if (xmlSaveFileEnc(junit_xml.c_str(), doc.get(), "UTF-8") < 0)
        throw std::runtime_error("cannot write " + junit_xml.string());
}

}  // namespace kms
