#include "harness/report/html/filter_form.hpp"

#include "harness/report/html/case_list.hpp"

#include <map>
#include <string>

namespace kms::html {

namespace {

// ES5, no "</" anywhere (html_tree.hpp refuses it); reads the cases' data-* attributes only.
const char* const kFilterScript = R"JS(
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var cases = Array.prototype.slice.call(document.querySelectorAll('details.case'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.verdict-group'));
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name=verdict]'));
  function state() {
    return {
      verdict: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }),
      suite: form.elements.suite.value,
      check: form.elements.check.value
    };
  }
  function fragment(s) {
    return '#filter:verdict=' + s.verdict.join(',') + '&suite=' + encodeURIComponent(s.suite) +
           '&check=' + encodeURIComponent(s.check);
  }
  function select(name, value) {
    var el = form.elements[name];
    for (var i = 0; i < el.options.length; i++) if (el.options[i].value === value) { el.selectedIndex = i; return; }
    el.selectedIndex = 0;
  }
  function read(hash) {
    if (hash.indexOf('#filter:') !== 0) return false;
    var parts = {};
    hash.slice(8).split('&').forEach(function (p) {
      var eq = p.indexOf('=');
      if (eq > 0) parts[p.slice(0, eq)] = decodeURIComponent(p.slice(eq + 1));
    });
    if ('verdict' in parts) {
      var wanted = parts.verdict.split(',');
      boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    }
    select('suite', parts.suite || '');
    select('check', parts.check || '');
    return true;
  }
  function apply() {
    var s = state(), shown = 0;
    cases.forEach(function (c) {
      var ok = s.verdict.indexOf(c.getAttribute('data-verdict')) >= 0 &&
               (!s.suite || c.getAttribute('data-suite') === s.suite) &&
               (!s.check || (' ' + c.getAttribute('data-checks') + ' ').indexOf(' ' + s.check + ' ') >= 0);
      c.hidden = !ok;
      if (ok) shown++;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('details.case:not([hidden])'); });
    document.getElementById('shown').textContent = shown + ' of ' + cases.length + ' cases shown';
  }
  function open_target() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
  }
  form.addEventListener('change', function () {
    apply();
    try { history.replaceState(null, '', fragment(state())); } catch (e) { location.hash = fragment(state()); }
  });
  window.addEventListener('hashchange', function () { if (read(location.hash)) apply(); else open_target(); });
  if (!read(location.hash)) open_target();
  apply();
})();
)JS";

void options(Element select, const char* all, const std::map<std::string, int>& counts) {
    select.add("option", all).attr("value", "");
    for (const auto& [name, n] : counts) select.add("option", name + " (" + std::to_string(n) + ")").attr("value", name);
}

}  // namespace

void filter_form(Element parent, const RunTally& tally) {
    std::map<std::string, int> suites, checks;
    for (const auto& e : tally.entries()) {
        ++suites[e.c.suite];
        std::map<std::string, bool> seen;
        for (const auto& f : e.result.findings) seen[name_of(f.check)] = true;
        for (const auto& entry : seen) ++checks[entry.first];
    }
    Element form = parent.add("form");
    form.attr("id", "filters").attr("class", "filters").flag("hidden");
    Element verdicts = form.add("fieldset");
    verdicts.add("legend", "Verdict");
    for (Verdict v : kVerdictOrder) {
        Element label = verdicts.add("label");
        label.add("input").attr("type", "checkbox").attr("name", "verdict").attr("value", to_string(v)).flag("checked");
        label.text(std::string(" ") + to_string(v) + " (" + std::to_string(tally.count(v)) + ")");
    }
    Element suite = form.add("label", "Suite ");
    options(suite.add("select").attr("name", "suite"), "all suites", suites);
    Element check = form.add("label", "Check ");
    options(check.add("select").attr("name", "check"), "any check (or none)", checks);
    form.add("output", std::to_string(tally.total()) + " of " + std::to_string(tally.total()) + " cases shown")
        .attr("id", "shown");
    Element noscript = parent.add("noscript");
    noscript.add("p", "The filters need JavaScript; every case is listed below, failures first.").attr("class", "note");
}

void filter_script(Element body) { body.add("script").code(kFilterScript); }

}  // namespace kms::html
