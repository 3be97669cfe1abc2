#!/usr/bin/env python3
"""Compares two runs' reports, apart from what differs from run to run by nature.

    scripts/compare-reports.py BEFORE_DIR AFTER_DIR

For a change meant to leave behaviour alone (a refactoring): run the same command before and
after it, each with its own --report-dir, then compare. junit.xml, summary.json, summary.md,
report.html and exchanges.har are read with their times, timestamps, ports, random ids (each
uuid becomes UUID-n in order of first appearance), HTTP dates and signature expiries replaced
by placeholders; what is left must be identical. Prints a unified diff of each file that
differs, and exits 1 if any does, 2 if a file is missing.
"""
import difflib
import json
import re
import sys
from pathlib import Path

FILES = ["junit.xml", "summary.json", "summary.md", "report.html", "exchanges.har"]

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Each rule: what varies between two runs of the same command, and its placeholder.
RULES = [
    # The tool's version names the commit: before and after a change it differs by design.
    (re.compile(r"\b\d+\.\d+\.\d+\+g[0-9a-f]+[0-9A-Za-z.]*|\b\d+\.\d+\.\d+(\.dirty)\b"), "VERSION"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "TIMESTAMP"),
    (re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT"), "HTTP-DATE"),
    (re.compile(r"expires=\d+"), "expires=EPOCH"),
    (re.compile(r"signature=[A-Za-z0-9+/=]+"), "signature=SIG"),
    # Durations as the reports write them: "0.21 ms", "  5.13 ms", time="13.400", "2.8 s".
    (re.compile(r"\d+(\.\d+)?( ?)(ms|s)\b"), r"N\2\3"),
    (re.compile(r'\btime="[\d.]+"'), 'time="T"'),
]
# JSON members that hold times: their values become 0.
TIME_KEY = re.compile(r"(_ms|_seconds|^time|^timings|^elapsed|^wait|^send|^receive|^blocked|^connect|^dns|^ssl"
                      r"|^startedDateTime|^started|^start_time|^finished|^duration)$")


def blank_times(node):
    if isinstance(node, dict):
        return {k: (0 if TIME_KEY.search(k) and not isinstance(v, (dict, list)) else blank_times(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [blank_times(v) for v in node]
    return node


def normalised(path: Path) -> list:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".json", ".har"):
        text = json.dumps(blank_times(json.loads(text)), indent=1, sort_keys=True, ensure_ascii=False)
    if path.suffix == ".md":
        # Markdown escapes (\: \( ...) undone; the slowest cases' table ranks by time, so which
        # cases it lists varies: each of its rows (a case, its verdict, its milliseconds) is blanked.
        text = re.sub(r"\\([^\w\s])", r"\1", text)
        text = re.sub(r"(?m)^\| [^|]+ \| [^|]+ \| [\d.]+ \|$", "| SLOW CASE |", text)
    if path.suffix == ".html":
        # The plots place each case by its time: their coordinates, and the axis's grid lines and
        # ticks (as many as the range of times spans), vary; their marks do not. One element a
        # line, so that a difference shows as a line.
        def plot(m):
            svg = re.sub(r'<g class="grid">.*?</g>|<text[^>]*class="tick"[^>]*>.*?</text>', "", m.group(0), flags=re.S)
            return re.sub(r"-?\d+(\.\d+)?", "N", svg)
        text = re.sub(r"<svg.*?</svg>", plot, text, flags=re.S).replace("><", ">\n<")
        # The plot's axis turns logarithmic when the times spread wide: its caption says so.
        text = text.replace(" (log axis)", "")
    seen = {}
    text = UUID.sub(lambda m: seen.setdefault(m.group(0).lower(), f"UUID-{len(seen) + 1}"), text)
    for pattern, placeholder in RULES:
        text = pattern.sub(placeholder, text)
    return text.splitlines(keepends=True)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    status = 0
    for name in FILES:
        a, b = before / name, after / name
        if not a.is_file() or not b.is_file():
            print(f"compare-reports: {name}: missing in {before if not a.is_file() else after}", file=sys.stderr)
            return 2
        diff = list(difflib.unified_diff(normalised(a), normalised(b), str(a), str(b), n=2))
        if diff:
            status = 1
            sys.stdout.writelines(diff[:200])
            if len(diff) > 200:
                print(f"... ({len(diff) - 200} more diff lines)")
        print(f"compare-reports: {name}: {'differs' if diff else 'same'}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
