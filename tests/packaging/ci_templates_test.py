#!/usr/bin/env python3
"""The CI templates of docs/ci/ (issue 13) as CI would run them: each installs the .deb, runs
kmsconf against a staging URL taken from a secret with credentials from secret variables,
publishes junit.xml also when the run failed, and fails the job on kmsconf's exit code; and every
kmsconf flag they use exists in that command's --help. The checker is then shown each breach it
exists for (a mutated copy of each template) and must name it.

usage: ci_templates_test.py DOCS_CI_DIR KMSCONF
"""
import copy
import re
import shlex
import subprocess
import sys

import yaml

OPTION_LINE = re.compile(r"^  (?:-\w \[ )?(--[\w-]+)", re.MULTILINE)
# Shell that would hide kmsconf's exit code from the job.
EXIT_CODE_SWALLOWED = re.compile(r"\|\|\s*(true|:|exit 0)\b|;\s*true\b|\bset \+e\b")
SECRET = re.compile(r"^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$")


def help_flags(kmsconf, command):
    out = subprocess.run([kmsconf, command, "--help"], capture_output=True, text=True, check=True).stdout
    return set(OPTION_LINE.findall(out))


def invocations(script):
    """Every kmsconf command line of a shell script: (command, [words after it])."""
    found = []
    for line in script.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if "kmsconf" not in words:
            continue
        words = words[words.index("kmsconf") + 1:]
        command = "run"
        if words and words[0] in ("run", "serve", "bench"):
            command = words.pop(0)
        found.append((command, words))
    return found


def flag_value(words, flag, default=None):
    for i, w in enumerate(words):
        if w == flag and i + 1 < len(words):
            return words[i + 1]
        if w.startswith(flag + "="):
            return w[len(flag) + 1:]
    return default


def check_flags(script, flags_of, where, problems):
    for command, words in invocations(script):
        for w in words:
            if w.startswith("--"):
                name = w.split("=", 1)[0]
                if name not in flags_of[command]:
                    problems.append(f"{where}: `kmsconf {command}` has no flag {name} (see kmsconf {command} --help)")


def variable_of(value):
    """The NAME of a value written "$NAME" or "${NAME}", else None."""
    m = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", value or "")
    return m.group(1) if m else None


def github_problems(doc, flags_of):
    problems = []
    if doc.get("on", doc.get(True)) is None:  # YAML 1.1 reads the key `on` as true
        problems.append("github: no `on` trigger")
    jobs = doc.get("jobs") or {}
    if not jobs:
        return problems + ["github: no job"]
    for job_name, job in jobs.items():
        steps = job.get("steps") or []
        where = f"github job {job_name}"
        scripts = [(s, s.get("run", "")) for s in steps]
        for step, script in scripts:
            check_flags(script, flags_of, where, problems)
        if not any("apt-get install" in sc and ".deb" in sc for _, sc in scripts):
            problems.append(f"{where}: no step installs the .deb with apt-get")
        runs = [(s, sc) for s, sc in scripts for c, w in invocations(sc) if c == "run" and "--base-url" in w]
        if len(runs) != 1:
            problems.append(f"{where}: {len(runs)} steps run `kmsconf run --base-url`, expected 1")
            continue
        step, script = runs[0]
        words = next(w for c, w in invocations(script) if c == "run")
        env = step.get("env") or {}
        url_var = variable_of(flag_value(words, "--base-url"))
        if not url_var or not SECRET.match(str(env.get(url_var, ""))):
            problems.append(f"{where}: --base-url is not a variable set from secrets.*")
        for name in ("EXOSCALE_API_KEY", "EXOSCALE_API_SECRET"):
            if not SECRET.match(str(env.get(name, ""))):
                problems.append(f"{where}: {name} is not set from secrets.*")
        if step.get("continue-on-error") or EXIT_CODE_SWALLOWED.search(script) or step.get("if"):
            problems.append(f"{where}: the kmsconf step does not fail the job on its exit code")
        reports = flag_value(words, "--report-dir", "reports").rstrip("/")
        always = [s for s in steps if "always()" in str(s.get("if", ""))]
        junit = f"{reports}/junit.xml"
        if not any("uses" in s and junit in " ".join(str(v) for v in (s.get("with") or {}).values()) for s in always):
            problems.append(f"{where}: no step with if: always() publishes {junit}")
        if not any(f"{reports}/summary.md" in s.get("run", "") and "GITHUB_STEP_SUMMARY" in s.get("run", "") for s in always):
            problems.append(f"{where}: no step with if: always() adds {reports}/summary.md to the job summary")
    return problems


def gitlab_problems(doc, flags_of):
    problems = []
    jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and "script" in v and not k.startswith(".")}
    if not jobs:
        return ["gitlab: no job"]
    for job_name, job in jobs.items():
        where = f"gitlab job {job_name}"
        lines = lambda key: [str(x) for x in (job.get(key) or [])]
        for key in ("before_script", "script", "after_script"):
            for line in lines(key):
                check_flags(line, flags_of, where, problems)
        if not any("apt-get install" in l and ".deb" in l for l in lines("before_script") + lines("script")):
            problems.append(f"{where}: no line installs the .deb with apt-get")
        runs = [(l, w) for l in lines("script") for c, w in invocations(l) if c == "run" and "--base-url" in w]
        if len(runs) != 1:
            problems.append(f"{where}: {len(runs)} script lines run `kmsconf run --base-url`, expected 1")
            continue
        line, words = runs[0]
        url_var = variable_of(flag_value(words, "--base-url"))
        variables = {**(doc.get("variables") or {}), **(job.get("variables") or {})}
        # A CI/CD variable of the project (masked, protected), not a value written here.
        if not url_var or url_var in variables:
            problems.append(f"{where}: --base-url is not a CI/CD variable")
        for name in ("EXOSCALE_API_KEY", "EXOSCALE_API_SECRET"):
            if name in variables:
                problems.append(f"{where}: {name} is written in the file, not a masked CI/CD variable")
        if job.get("allow_failure") or EXIT_CODE_SWALLOWED.search(line):
            problems.append(f"{where}: the job does not fail on kmsconf's exit code")
        reports = flag_value(words, "--report-dir", "reports").rstrip("/")
        artifacts = job.get("artifacts") or {}
        if artifacts.get("when") != "always":
            problems.append(f"{where}: artifacts are not kept when the run fails (when: always)")
        junit = (artifacts.get("reports") or {}).get("junit")
        junit = junit if isinstance(junit, list) else [junit]
        if f"{reports}/junit.xml" not in junit:
            problems.append(f"{where}: artifacts:reports:junit is not {reports}/junit.xml")
    return problems


def mutations(github, gitlab):
    """(what is broken, checker, document): each must be reported."""
    def job(doc):
        return next(iter(doc["jobs"].values()))

    def gh(what, change):
        doc = copy.deepcopy(github)
        change(doc)
        return what, github_problems, doc

    def gl(what, change):
        doc = copy.deepcopy(gitlab)
        change(doc)
        return what, gitlab_problems, doc

    def gl_job(doc):
        return next(v for k, v in doc.items() if isinstance(v, dict) and "script" in v)

    def run_step(doc):
        return next(s for s in job(doc)["steps"] if "--base-url" in s.get("run", ""))

    def set_run(doc, text):
        run_step(doc)["run"] = text

    return [
        gh("a flag kmsconf does not have", lambda d: set_run(d, run_step(d)["run"].replace("--key-id", "--key"))),
        gh("exit code swallowed", lambda d: set_run(d, run_step(d)["run"] + " || true")),
        gh("continue-on-error", lambda d: run_step(d).update({"continue-on-error": True})),
        gh("URL written in the file", lambda d: run_step(d)["env"].update({"KMSCONF_STAGING_URL": "https://x.example/v2"})),
        gh("secret from a plain variable", lambda d: run_step(d)["env"].update({"EXOSCALE_API_SECRET": "${{ vars.S }}"})),
        gh("report not published after a failure",
           lambda d: [s.pop("if") for s in job(d)["steps"] if "uses" in s and "junit" in str(s.get("with"))]),
        gh("no .deb installed", lambda d: job(d)["steps"].pop(0)),
        gl("a flag kmsconf does not have", lambda d: gl_job(d)["script"].__setitem__(
            -1, gl_job(d)["script"][-1].replace("--report-dir", "--reports"))),
        gl("exit code swallowed", lambda d: gl_job(d)["script"].__setitem__(-1, gl_job(d)["script"][-1] + " || true")),
        gl("allow_failure", lambda d: gl_job(d).update({"allow_failure": True})),
        gl("artifacts only on success", lambda d: gl_job(d)["artifacts"].update({"when": "on_success"})),
        gl("junit report elsewhere", lambda d: gl_job(d)["artifacts"]["reports"].update({"junit": "junit.xml"})),
        gl("URL written in the file", lambda d: gl_job(d).update({"variables": {"KMSCONF_STAGING_URL": "https://x/v2"}})),
    ]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    docs, kmsconf = sys.argv[1], sys.argv[2]
    flags_of = {c: help_flags(kmsconf, c) for c in ("run", "serve", "bench")}
    with open(f"{docs}/github-actions.yml") as f:
        github = yaml.safe_load(f)
    with open(f"{docs}/.gitlab-ci.yml") as f:
        gitlab = yaml.safe_load(f)
    problems = github_problems(github, flags_of) + gitlab_problems(gitlab, flags_of)
    for what, checker, doc in mutations(github, gitlab):
        if not checker(doc, flags_of):
            problems.append(f"checker: a template with '{what}' passed")
    for p in problems:
        print("FAIL:", p)
    if problems:
        return 1
    print("ok: docs/ci/github-actions.yml and docs/ci/.gitlab-ci.yml; every breach tried was reported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
