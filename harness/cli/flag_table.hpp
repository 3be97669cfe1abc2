// A command's flags as one table: each flag is defined once, with its name, default, bounds,
// help and whether a failing case's rerun command carries it, and bound to the field of the
// command's options it fills. --help, the parsing and its checks, and the rerun line are all
// read from the table (flag_table.cpp), so none of them can drift from another.
//
// Numbers are taken as text and read by common/bounded_number.hpp (plain decimal within the
// bounds: Program_options' lexical_cast would take "-5" for 2^64-5 and accept "nan").
#pragma once

#include "common/bounded_number.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace boost::program_options {
class options_description;
class variables_map;
}  // namespace boost::program_options

namespace kms::cli {

enum class FlagKind {
    text,              // a string; `non_empty` refuses ""
    switch_flag,       // present or not, no value
    integer,           // [min, max]
    unsigned_integer,  // [0, UINT64_MAX]
    real,              // [min, max], or (min, max] when above_min
    words,             // a list: repeated, or several words after one flag when multitoken
};

struct FlagSpec {
    std::string name;      // the long name: "connections"
    char short_name = 0;   // 'c' for -c; 0: none
    FlagKind kind = FlagKind::text;
    // What it does. --help adds the bounds of a number where "{bounds}" stands, else at the end.
    std::string help;
    std::optional<std::string> default_text;  // the value when the flag is absent, as --help shows it
    double min = 0, max = 0;                   // numbers
    bool above_min = false;                    // real: min itself is refused ("above 0")
    bool non_empty = false;                    // text: "" is refused (an unset CI variable)
    bool multitoken = false;                   // words: `--suites a b` takes both
    // A failing case's rerun command carries the flag when its value is not the default: the
    // flags that change what is sent or how it is judged.
    bool rerun = false;
    std::string rerun_as;  // written unquoted instead of the value ("\"$EXOSCALE_API_KEY\""); "": the value

    // "1 to 600000", "above 0 up to 86400": how --help and the errors state the bounds.
    std::string bounds_text() const;

    // For tables that read as sentences: FlagSpec("timeout-ms", "...").defaults_to("10000").between(1, 600000).
    FlagSpec(std::string flag_name, std::string flag_help) : name(std::move(flag_name)), help(std::move(flag_help)) {}
    FlagSpec& short_flag(char c) { short_name = c; return *this; }
    FlagSpec& defaults_to(std::string text) { default_text = std::move(text); return *this; }
    FlagSpec& between(double lowest, double highest) { min = lowest; max = highest; return *this; }
    FlagSpec& above(double lowest, double highest) { between(lowest, highest); above_min = true; return *this; }
    FlagSpec& refuse_empty() { non_empty = true; return *this; }
    FlagSpec& several_words() { multitoken = true; return *this; }
    FlagSpec& carried_by_rerun(std::string written_as = "") {
        rerun = true;
        rerun_as = std::move(written_as);
        return *this;
    }
};

// A flag bound to a field of the options `O`: `store` takes its value(s) as given (a number
// already read within its bounds, as text) and returns why it is refused, or ""; `value` gives
// the value(s) back as a rerun command writes them (empty: a switch that is off).
template <class O>
struct Flag {
    FlagSpec spec;
    std::function<std::string(O&, const std::vector<std::string>&)> store;
    std::function<std::vector<std::string>(const O&)> value;
};

// Fills `description` with the flags, in order. Values are stored in the variables_map as text
// (a switch as a bool, words as a list); read_flag reads them back.
void describe_flags(boost::program_options::options_description& description, const std::vector<FlagSpec>& specs);

// The flag's values from a parsed command line, checked against its spec (a number within its
// bounds, a text not empty when it must not be); nullopt when absent with no default. The first
// problem in *error (then nullopt too).
std::optional<std::vector<std::string>> read_flag(const boost::program_options::variables_map& values,
                                                  const FlagSpec& spec, std::string* error);

// The words a rerun command adds for one flag ("" when it is at its default, or not carried).
std::string rerun_words(const FlagSpec& spec, const std::vector<std::string>& value);

template <class O>
std::vector<FlagSpec> specs_of(const std::vector<Flag<O>>& flags) {
    std::vector<FlagSpec> out;
    for (const auto& f : flags) out.push_back(f.spec);
    return out;
}

// Stores every flag of `flags` present (or defaulted) on the parsed command line into `o`;
// the first problem, if any, in *error.
template <class O>
bool store_flags(const boost::program_options::variables_map& values, const std::vector<Flag<O>>& flags, O& o,
                 std::string* error) {
    error->clear();
    for (const auto& f : flags) {
        auto given = read_flag(values, f.spec, error);
        if (!error->empty()) return false;
        if (!given) continue;
        if (std::string why = f.store(o, *given); !why.empty()) {
            *error = why;
            return false;
        }
    }
    return true;
}

// A command line read against a flag table, for the commands whose flags are all in one table
// (judge, proxy). --help and --version print on stdout and give exit 0; an unknown, malformed or
// refused flag prints "<command>: why (see <command> --help)" on stderr and gives exit 2.
struct ParsedLine {
    std::optional<int> exit_code;   // set: the command ends here with it
    std::vector<std::string> stray;  // words that are no flag, in order, for the command to take or refuse
};

ParsedLine parse_flag_line(int argc, char** argv, const std::string& usage, const std::vector<FlagSpec>& specs,
                           const std::string& command,
                           const std::function<std::string(const boost::program_options::variables_map&)>& store);

template <class O>
ParsedLine parse_flag_line(int argc, char** argv, const std::string& usage, const std::vector<Flag<O>>& table,
                           const std::string& command, O& o) {
    return parse_flag_line(argc, argv, usage, specs_of(table), command,
                           [&](const boost::program_options::variables_map& values) {
                               std::string error;
                               store_flags(values, table, o, &error);
                               return error;
                           });
}

// A usage problem found after parsing, said as parse_flag_line says its own: exit 2.
int usage_error(const std::string& command, const std::string& why);

// The rerun words of every flag the table says a rerun carries, in table order.
template <class O>
std::string rerun_line(const std::vector<Flag<O>>& flags, const O& o) {
    std::string out;
    for (const auto& f : flags) {
        if (!f.spec.rerun) continue;
        const std::string words = rerun_words(f.spec, f.value(o));
        if (!words.empty()) out += (out.empty() ? "" : " ") + words;
    }
    return out;
}

// A flag read by a function of its own (a list in one word, an enumeration, a regex).
template <class O>
Flag<O> custom_flag(FlagSpec spec, FlagKind kind, std::function<std::string(O&, const std::vector<std::string>&)> store,
                    std::function<std::vector<std::string>(const O&)> value) {
    spec.kind = kind;
    return {std::move(spec), std::move(store), std::move(value)};
}

// Builders for the common cases: a field of `O` filled from the flag as it is.
template <class O>
Flag<O> text_flag(FlagSpec spec, std::string O::*field,
                  std::function<std::string(const std::string&)> check = {}) {
    spec.kind = FlagKind::text;
    return {std::move(spec),
            [field, check](O& o, const std::vector<std::string>& v) {
                if (check)
                    if (std::string why = check(v.front()); !why.empty()) return why;
                o.*field = v.front();
                return std::string();
            },
            [field](const O& o) { return std::vector<std::string>{o.*field}; }};
}

template <class O>
Flag<O> switch_flag(FlagSpec spec, bool O::*field) {
    spec.kind = FlagKind::switch_flag;
    return {std::move(spec),
            [field](O& o, const std::vector<std::string>&) {
                o.*field = true;
                return std::string();
            },
            [field](const O& o) { return o.*field ? std::vector<std::string>{"on"} : std::vector<std::string>{}; }};
}

template <class O>
Flag<O> words_flag(FlagSpec spec, std::vector<std::string> O::*field) {
    spec.kind = FlagKind::words;
    return {std::move(spec),
            [field](O& o, const std::vector<std::string>& v) {
                o.*field = v;
                return std::string();
            },
            [field](const O& o) { return o.*field; }};
}

// An integer field of any width: the bounds in the spec keep the value inside it.
template <class O, class T>
Flag<O> integer_flag(FlagSpec spec, T O::*field) {
    spec.kind = FlagKind::integer;
    return {std::move(spec),
            [field](O& o, const std::vector<std::string>& v) {
                o.*field = static_cast<T>(std::stoll(v.front()));
                return std::string();
            },
            [field](const O& o) { return std::vector<std::string>{std::to_string(o.*field)}; }};
}

template <class O>
Flag<O> unsigned_flag(FlagSpec spec, std::uint64_t O::*field) {
    spec.kind = FlagKind::unsigned_integer;
    return {std::move(spec),
            [field](O& o, const std::vector<std::string>& v) {
                o.*field = std::stoull(v.front());
                return std::string();
            },
            [field](const O& o) { return std::vector<std::string>{std::to_string(o.*field)}; }};
}

template <class O>
Flag<O> real_flag(FlagSpec spec, double O::*field) {
    spec.kind = FlagKind::real;
    return {std::move(spec),
            [field](O& o, const std::vector<std::string>& v) {
                o.*field = std::stod(v.front());
                return std::string();
            },
            [field](const O& o) { return std::vector<std::string>{decimal_text(o.*field)}; }};
}

}  // namespace kms::cli
