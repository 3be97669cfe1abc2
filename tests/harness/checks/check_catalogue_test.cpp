// The check catalogue is the one place a check is described: the table in docs/verdicts.md is
// its rows, rendered here. A row changed without the page (or the reverse) fails, and the
// failure prints the table to paste.
#include "harness/checks/check_catalogue.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace kms {
namespace {

std::string faults_cell(const CheckInfo& row) {
    std::string cell;
    std::istringstream names(row.faults);
    for (std::string fault; std::getline(names >> std::ws, fault, ',');) cell += (cell.empty() ? "`" : ", `") + fault + "`";
    if (!*row.fault_note) return cell;
    return cell.empty() ? row.fault_note : cell + " (" + row.fault_note + ")";
}

std::string rendered_table() {
    std::string out = "| check | judges | bound | shown failing by |\n| --- | --- | --- | --- |\n";
    for (const auto& row : check_catalogue())
        out += "| `" + std::string(row.name) + "` | " + describe(row.judges) + " | " + describe(row.rule) + " | " +
               faults_cell(row) + " |\n";
    return out;
}

// The page's table: from its header row to the first line that is not a table row.
std::string table_in_docs() {
    std::ifstream page(std::string(KMSCONF_SOURCE_DIR) + "/docs/verdicts.md");
    std::string out, line;
    bool in_table = false;
    while (std::getline(page, line)) {
        if (line.rfind("| check | judges |", 0) == 0) in_table = true;
        if (in_table && line.rfind("|", 0) != 0) break;
        if (in_table) out += line + "\n";
    }
    return out;
}

TEST(CheckCatalogue, TheDocsTableIsTheCatalogue) {
    const std::string expected = rendered_table();
    EXPECT_EQ(table_in_docs(), expected) << "docs/verdicts.md's check table is stale; it should read:\n" << expected;
}

}  // namespace
}  // namespace kms
