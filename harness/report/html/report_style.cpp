#include "harness/report/html/report_style.hpp"

namespace kms::html {

namespace {

// Verdict colours as GitHub's (fail red, non-strict amber, informational blue, skipped grey).
const char* const kStyle = R"CSS(
:root{--fail:#cf222e;--non-strict:#9a6700;--informational:#0969da;--skipped:#6e7781;--pass:#1a7f37}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#1f2328}
h1{font-size:1.5em;margin:.2em 0 .5em}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}
h3{font-size:1.05em;margin:1em 0 .3em}h4{font-size:.95em;margin:.8em 0 .2em}
[hidden]{display:none!important}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 .8em}
dl.run dt{font-weight:600;color:#57606a}dl.run dd{margin:0}
.result{font-size:1.1em;font-weight:600}.result .failed{color:var(--fail)}.result .passed{color:var(--pass)}
ul.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px;margin:.4em 0 1em}
ul.counts li{border:1px solid #d0d7de;border-radius:6px;padding:4px 12px;border-left:6px solid var(--c)}
ul.counts a{color:inherit;text-decoration:none}
.fail{--c:var(--fail)}.non-strict{--c:var(--non-strict)}.informational{--c:var(--informational)}
.skipped{--c:var(--skipped)}.pass{--c:var(--pass)}
.warning{color:var(--non-strict);font-weight:600}
.note{color:#57606a;font-style:italic;margin:2px 0}
form.filters{display:flex;flex-wrap:wrap;align-items:center;gap:10px 18px;background:#f6f8fa;border:1px solid #d0d7de;
  border-radius:6px;padding:8px 12px;margin:1em 0}
form.filters fieldset{border:0;margin:0;padding:0}form.filters legend{float:left;font-weight:600;margin-right:8px}
form.filters label{margin-right:8px}
details.case{border:1px solid #d0d7de;border-left:6px solid var(--c);border-radius:4px;margin:4px 0}
details.case>summary{cursor:pointer;padding:4px 8px;list-style-position:inside;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
details.case[open]>summary{white-space:normal;background:#f6f8fa}
summary>span,summary>code{margin-right:10px}
.verdict{font-weight:700;color:var(--c);display:inline-block;min-width:7.5em}
details.case[data-verdict=fail]{--c:var(--fail)}details.case[data-verdict=non-strict]{--c:var(--non-strict)}
details.case[data-verdict=informational]{--c:var(--informational)}details.case[data-verdict=skipped]{--c:var(--skipped)}
details.case[data-verdict=pass]{--c:var(--pass)}
.level,.status,.ms{color:#57606a}.headline{color:#1f2328}
.detail{padding:0 12px 10px}
ul.findings{margin:0;padding-left:1.2em}ul.findings li.MUST b{color:var(--fail)}ul.findings li.SHOULD b{color:var(--non-strict)}
ul.findings li.informational b{color:var(--informational)}
.message{white-space:pre-wrap;word-break:break-word}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border:1px solid #eaeef2;padding:6px 8px;margin:2px 0;
  font:12px/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;max-height:28em;overflow:auto}
figure.plot{margin:.5em 0 1em;display:inline-block;vertical-align:top}
figure.plot figcaption{color:#57606a;font-size:.9em;max-width:900px}
svg{font:11px system-ui,sans-serif;max-width:100%;height:auto;background:#fff}
svg .frame{fill:none;stroke:#8c959f}svg .grid line{stroke:#eaeef2}
svg text.tick{fill:#57606a}svg text.caption{fill:#1f2328;font-weight:600}
svg circle.fail{fill:var(--fail)}svg circle.non-strict{fill:var(--non-strict)}
svg circle.informational{fill:var(--informational)}svg circle.pass{fill:var(--pass)}
svg .marks circle{fill-opacity:.7}
svg text.row{fill:#1f2328}
svg rect.bar{fill:#0969da;fill-opacity:.75}
svg polyline.latency{fill:none;stroke:#0969da;stroke-width:2}
svg polyline.uncorrected{fill:none;stroke:#9a6700;stroke-width:1.5;stroke-dasharray:5 3}
svg circle.latency{fill:#0969da}svg circle.uncorrected{fill:#9a6700}
table.numbers{border-collapse:collapse;margin:.3em 0}
table.numbers th,table.numbers td{text-align:right;padding:2px 10px;border-bottom:1px solid #eaeef2}
table.numbers th:first-child,table.numbers td:first-child{text-align:left}
.held{color:var(--pass);font-weight:600}.breached{color:var(--fail);font-weight:600}
)CSS";

}  // namespace

void report_style(Element head) { head.add("style").code(kStyle); }

}  // namespace kms::html
