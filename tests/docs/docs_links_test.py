#!/usr/bin/env python3
"""README.md and docs/ stay as issue 24 left them (ctest -R docs.links):

- README.md is at most 200 lines, and links every docs/*.md page (its map of docs/);
- every relative Markdown link in README.md and docs/*.md names a file or folder that exists,
  and its #anchor a heading of the target page (GitHub's slugs) or an id in it;
- no file of the repository (tracked, or new and not ignored; fuzz/corpus/ and build folders
  left out) points outside it, at the contract summary, design notes and official specs that
  lived in a folder beside the checkout, where nobody else has them (FORBIDDEN below, matched
  case-insensitively). docs/contract.md replaces them.

Python 3 standard library only. usage: docs_links_test.py SOURCE_DIR
Exit 0 when all holds, 1 naming every problem, 2 on a usage error.
"""
import os
import re
import subprocess
import sys
import unicodedata
import urllib.parse

MAX_README_LINES = 200

# Written in two parts so that this file does not match itself.
FORBIDDEN = ["contract " + "digest", "DESIGN" + ".md", "../" + "shared", "shared/" + "ref/"]
# Fuzz inputs are bytes as found, not text anyone reads; build trees are not the repository.
SKIPPED_PREFIXES = ("fuzz/corpus/",)
SKIPPED_PARTS = {".git", "node_modules", "__pycache__"}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the target may be <bracketed>.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+[\"'(].*?[\"')])?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_ID = re.compile(r"""<[a-zA-Z][^>]*\s(?:id|name)\s*=\s*["']([^"']+)["']""")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield number, line


def heading_text(markdown):
    """The text GitHub renders for a heading: links as their text, code without backticks."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = INLINE_CODE.sub(lambda m: m.group(2), text)
    return re.sub(r"<[^>]+>", "", text)


def slug(text):
    """GitHub's anchor for a heading (github-slugger): lower case, every character that is not a
    letter, digit, mark, '-', '_' or space dropped, each space a '-'."""
    out = []
    for ch in text.strip().lower():
        if ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
        elif unicodedata.category(ch)[0] in "LNM":
            out.append(ch)
    return "".join(out)


def anchors_of(path, cache={}):
    if path not in cache:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        seen, anchors = {}, set()
        for _, line in prose_lines(text):
            m = ATX_HEADING.match(line)
            if m:
                base = slug(heading_text(m.group(2)))
                n = seen.get(base, 0)
                seen[base] = n + 1
                anchors.add(base if n == 0 else "%s-%d" % (base, n))
            for anchor in HTML_ID.findall(line):
                anchors.add(anchor)
        cache[path] = anchors
    return cache[path]


def links_of(text):
    """(line number, target) of every link outside code."""
    for number, line in prose_lines(text):
        m = REFERENCE_DEF.match(line)
        if m:
            yield number, m.group(1).strip("<>")
        for m in INLINE_LINK.finditer(INLINE_CODE.sub("", line)):
            yield number, m.group(1).strip("<>")


def check_page(root, page, problems, counts):
    """Every relative link of `page` (relative to root) resolves; returns the files it links."""
    path = os.path.join(root, page)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    linked = set()
    for number, target in links_of(text):
        if not target or SCHEME.match(target) or target.startswith("//"):
            continue
        file_part, _, anchor = target.partition("#")
        file_part = urllib.parse.unquote(file_part)
        where = "%s:%d: link %s" % (page, number, target)
        if file_part.startswith("/"):
            problems.append(where + ": an absolute path; link relative to the page")
            continue
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if os.path.relpath(dest, root).split(os.sep)[0] == "..":
            problems.append(where + ": points outside the repository")
            continue
        if not os.path.exists(dest):
            problems.append(where + ": no such file " + os.path.relpath(dest, root))
            continue
        linked.add(os.path.relpath(dest, root))
        counts["links"] += 1
        if anchor and dest.endswith(".md") and os.path.isfile(dest):
            counts["anchors"] += 1
            if urllib.parse.unquote(anchor) not in anchors_of(dest):
                problems.append(where + ": no heading #%s in %s" % (anchor, os.path.relpath(dest, root)))
    return linked


def repository_files(root):
    """Tracked files and new ones git does not ignore; without git, every file in the tree."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             check=True, capture_output=True).stdout
        files = sorted({f for f in out.decode("utf-8", "surrogateescape").split("\0") if f})
    except (OSError, subprocess.CalledProcessError):
        # No git (a source tarball, another user's checkout): what .gitignore leaves out by hand,
        # the build folders and the runs' reports, whose texts quote whatever version wrote them.
        files = []
        for folder, dirs, names in os.walk(root):
            rel = os.path.relpath(folder, root)
            dirs[:] = [d for d in dirs if d not in SKIPPED_PARTS and not (rel == "." and d.startswith("build"))]
            if rel == "reports":
                names = [n for n in names if n == "README.md"]
            files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    for f in files:
        parts = f.split("/")
        if f.startswith(SKIPPED_PREFIXES) or parts[0].startswith("build") or SKIPPED_PARTS & set(parts):
            continue
        if os.path.isfile(os.path.join(root, f)):
            yield f


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: docs_links_test.py SOURCE_DIR", file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    problems = []

    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme_lines = len(f.read().splitlines())
    if readme_lines > MAX_README_LINES:
        problems.append("README.md: %d lines, more than %d: move the detail to docs/" % (readme_lines, MAX_README_LINES))

    docs = sorted(os.path.join("docs", n) for n in os.listdir(os.path.join(root, "docs")) if n.endswith(".md"))
    pages = ["README.md"] + docs
    counts = {"links": 0, "anchors": 0}
    readme_links = set()
    for page in pages:
        linked = check_page(root, page, problems, counts)
        if page == "README.md":
            readme_links = linked
    for page in docs:
        if page not in readme_links:
            problems.append("README.md: no link to %s (the map of docs/ lists every page)" % page)

    checked = 0
    for f in repository_files(root):
        checked += 1
        with open(os.path.join(root, f), "rb") as fh:
            data = fh.read().lower()
        for needle in FORBIDDEN:
            at = data.find(needle.lower().encode())
            if at >= 0:
                line = data.count(b"\n", 0, at) + 1
                problems.append("%s:%d: mentions %r, which is outside the repository (use docs/contract.md)" % (f, line, needle))

    for p in problems:
        print("FAIL: " + p)
    print("docs.links: README.md %d lines; %d pages, %d relative links (%d with an #anchor into a page); "
          "%d files searched for references outside the repository: %s"
          % (readme_lines, len(pages), counts["links"], counts["anchors"], checked,
             "%d problem(s)" % len(problems) if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
