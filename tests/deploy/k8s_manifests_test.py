#!/usr/bin/env python3
"""deploy/kubernetes/ checked offline, no cluster (issue 26 item 3).

    k8s_manifests_test.py setup|valid|broken|wrappers SOURCE_DIR WORK_DIR

setup     installs kubernetes-models and yaml from package-lock.json (npm ci) into WORK_DIR, once:
          again only when the lock file changes (CTest fixture k8s_npm).
valid     validate_k8s.cjs on deploy/kubernetes/: every object against the Kubernetes API schema,
          field by field, and the facts across objects; with kubectl (or kustomize) on PATH, also
          the rendered set (`kubectl kustomize`), and a copy with SEGMENTS=5 must render
          completions = parallelism = 5.
broken    validate_k8s.cjs on tests/deploy/fixtures/broken/ must fail, naming each broken field.
wrappers  the Jobs' shell wrappers, as the manifests hold them, run by /bin/sh with a stub kmsconf
          on PATH: each segment's flags (--segment K/N from JOB_COMPLETION_INDEX, one --start-at),
          its folder renamed when complete and its exit code kept; the merge waiting for the N
          segments, passing their folders and the SLOs, printing the summary and exiting with
          kmsconf bench merge's code; a late start, the placeholder credential and the unset
          START_AT refused.
Python 3's standard library, node and npm. Exit 0 when all holds, 1 naming the problem.
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def setup(src, work):
    lock = (HERE / "package-lock.json").read_bytes()
    stamp = work / "npm-ci.stamp"
    digest = hashlib.sha256(lock).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and (work / "node_modules").is_dir():
        print("k8s npm packages already installed from this package-lock.json")
        return
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(HERE / f, work / f)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=work, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(digest)
    versions = json.loads((work / "package-lock.json").read_text())["packages"]
    print("installed " + ", ".join("%s %s" % (k.split("node_modules/")[-1], v["version"])
                                   for k, v in sorted(versions.items()) if k.count("node_modules/") == 1))


def validator(work):
    """validate_k8s.cjs beside WORK_DIR's node_modules (require() looks from the script's folder)."""
    if not (work / "node_modules").is_dir():
        fail("no node_modules in %s: run the setup step (ctest runs deploy.k8s_npm_ci first)" % work)
    shutil.copy(HERE / "validate_k8s.cjs", work / "validate_k8s.cjs")
    return ["node", str(work / "validate_k8s.cjs")]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def valid(src, work):
    node = validator(work)
    manifests = src / "deploy" / "kubernetes"
    r = run(node + [str(manifests)])
    print(r.stdout.strip())
    if r.returncode != 0:
        fail("deploy/kubernetes/ did not validate (exit %d):\n%s" % (r.returncode, r.stderr))
    kustomize = (["kubectl", "kustomize"] if shutil.which("kubectl")
                 else ["kustomize", "build"] if shutil.which("kustomize") else None)
    if not kustomize:
        print("not rendered: neither kubectl nor kustomize on PATH (the files and kustomization.yaml were checked)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        out = tmp / "rendered.yaml"
        r = run(kustomize + [str(manifests)])
        if r.returncode != 0:
            fail("%s %s: %s" % (" ".join(kustomize), manifests, r.stderr))
        out.write_text(r.stdout)
        r = run(node + [str(manifests), "--rendered", str(out)])
        print(r.stdout.strip())
        if r.returncode != 0:
            fail("the rendered set did not validate")
        # SEGMENTS is set in one place: kustomize must carry it into completions and parallelism.
        copy = tmp / "five"
        shutil.copytree(manifests, copy)
        k = copy / "kustomization.yaml"
        text = k.read_text()
        if "      - SEGMENTS=" not in text:
            fail("kustomization.yaml has no SEGMENTS= literal")
        k.write_text("\n".join("      - SEGMENTS=5" if line.startswith("      - SEGMENTS=") else line
                               for line in text.splitlines()) + "\n")
        r = run(kustomize + [str(copy)])
        out.write_text(r.stdout)
        if r.returncode != 0 or "  completions: 5\n" not in r.stdout or "  parallelism: 5\n" not in r.stdout:
            fail("SEGMENTS=5 did not render completions and parallelism 5:\n" + r.stdout + r.stderr)
        r = run(node + [str(copy), "--rendered", str(out)])
        if r.returncode != 0:
            fail("the set rendered with SEGMENTS=5 did not validate:\n" + r.stdout)
        print("rendered with SEGMENTS=5 by `%s`: completions = parallelism = 5, valid" % " ".join(kustomize))


# What the broken fixture must be refused for, each naming its field.
BROKEN = [
    "Job/kmsconf-bench-segments/spec/completionMode: must be equal to one of the allowed values (Indexed, NonIndexed)",
    "Job/kmsconf-bench-segments/spec/parallelism: must be integer",
    "Job/kmsconf-bench-merge/spec/template/spec/containers/0/image: the container has no image",
    'Job/kmsconf-bench-segments/spec/template/spec/containers/0/volumeMount: unknown field "volumeMount"',
    "env EXOSCALE_API_KEY: no Secret kmsconf-credential in the set",
    "volume reports: no PersistentVolumeClaim kmsconf-report in the set",
    "START_AT is set in the Job; take it from the ConfigMap",
    "Job/kmsconf-bench-segments/spec/completions: is 3 but SEGMENTS is 2",
    "the script reads $START_ATT, which the container's environment does not define",
]


def broken(src, work):
    node = validator(work)
    r = run(node + [str(HERE / "fixtures" / "broken")])
    print(r.stdout.strip())
    if r.returncode != 1:
        fail("the broken fixture was not refused with exit 1 (exit %d)" % r.returncode)
    missing = [m for m in BROKEN if m not in r.stdout]
    if missing:
        fail("the broken fixture's refusal does not name:\n  " + "\n  ".join(missing))
    print("ok: the broken fixture is refused, naming all %d broken fields" % len(BROKEN))


STUB = """#!/bin/sh
# kmsconf as the wrappers call it: records its arguments, makes its --report-dir.
printf '%s\\n' "$@" > "$STUB_LOG/call-$$.args"
dir= prev=
for a in "$@"; do [ "$prev" = --report-dir ] && dir=$a; prev=$a; done
[ -n "$dir" ] && mkdir -p "$dir" && echo '{"stub": "summary"}' > "$dir/bench-summary.json"
exit "${STUB_EXIT:-0}"
"""


def wrappers(src, work):
    node = validator(work)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        dump = tmp / "scripts.json"
        r = run(node + [str(src / "deploy" / "kubernetes"), "--dump-scripts", str(dump)])
        if r.returncode != 0:
            fail("deploy/kubernetes/ did not validate:\n" + r.stdout)
        jobs = json.loads(dump.read_text())
        seg = next(j for j in jobs if j["role"] == "segment")
        merge = next(j for j in jobs if j["role"] == "merge")
        (tmp / "bin").mkdir()
        stub = tmp / "bin" / "kmsconf"
        stub.write_text(STUB)
        stub.chmod(0o755)
        n = int(seg["env"]["SEGMENTS"])
        if seg["completions"] != n:
            fail("completions %s, SEGMENTS %d" % (seg["completions"], n))

        def env_of(job, log, **over):
            env = dict(os.environ)
            env.update(job["env"])
            env.update(PATH="%s:%s" % (tmp / "bin", os.environ["PATH"]), STUB_LOG=str(log), REPORTS=str(tmp / "reports"))
            env.update(over)
            return env

        def calls(log):
            return [p.read_text().splitlines() for p in sorted(log.glob("call-*.args"))]

        def start(job, log, **over):
            log.mkdir(exist_ok=True)
            return subprocess.Popen(["/bin/sh", "-c", job["script"]], env=env_of(job, log, **over),
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        start_at = "%.1f" % (time.time() + 30)
        run_dir = tmp / "reports" / ("run-" + start_at)
        key = {"EXOSCALE_API_KEY": "EXOtestkey"}
        # The merge first, as the cluster may schedule it: it must wait for the N segments.
        m = start(merge, tmp / "merge-log", START_AT=start_at)
        time.sleep(1)
        pods = [start(seg, tmp / "seg-log", START_AT=start_at, JOB_COMPLETION_INDEX=str(i), **key) for i in range(n)]
        for i, p in enumerate(pods):
            out, _ = p.communicate(timeout=60)
            if p.returncode != 0:
                fail("segment index %d exited %d:\n%s" % (i, p.returncode, out))
        e = seg["env"]
        seen = set()
        for argv in calls(tmp / "seg-log"):
            flags = dict(zip(argv[1::1], argv[2::1]))
            k = flags.get("--segment", "?/?").split("/")[0]
            seen.add(k)
            want = {"--segment": "%s/%d" % (k, n), "--start-at": start_at, "--base-url": e["BASE_URL"],
                    "--mode": e["MODE"], "--connections": e["CONNECTIONS"], "--duration": e["DURATION"],
                    "--api-secret-file": "/etc/kmsconf/credentials/api-secret",
                    "--report-dir": "%s/segment-%s.partial" % (run_dir, k)}
            if e["RATE"]:
                want["--rate"] = e["RATE"]
            wrong = {f: (flags.get(f), v) for f, v in want.items() if flags.get(f) != v}
            if argv[0] != "bench" or wrong:
                fail("segment %s ran kmsconf %s; wrong flags (got, want): %s" % (k, argv, wrong))
            if not (run_dir / ("segment-" + k) / "bench-summary.json").is_file():
                fail("segment-%s's folder was not renamed from .partial when complete" % k)
            if (run_dir / ("segment-" + k + ".exit")).read_text().strip() != "0":
                fail("segment-%s.exit does not hold 0" % k)
        if seen != {str(i) for i in range(1, n + 1)}:
            fail("the segments ran as %s, want 1..%d once each" % (sorted(seen), n))
        print("segments: %d pods ran kmsconf bench --segment K/%d for K = %s, all --start-at %s; folders complete"
              % (n, n, ",".join(sorted(seen)), start_at))

        out, _ = m.communicate(timeout=60)
        margv = calls(tmp / "merge-log")
        want = ["bench", "merge"] + ["%s/segment-%d" % (run_dir, k) for k in range(1, n + 1)] + \
               ["--report-dir", "%s/merged" % run_dir]
        for slo in merge["env"]["SLOS"].split():
            want += ["--slo", slo]
        if m.returncode != 0 or margv != [want]:
            fail("the merge: exit %d, ran %s, want %s:\n%s" % (m.returncode, margv, [want], out))
        if '{"stub": "summary"}' not in out:
            fail("the merge's log does not print the merged bench-summary.json:\n" + out)
        print("merge: waited for the %d segments, ran kmsconf %s, printed the summary, exit 0" % (n, " ".join(want)))

        # The merge's exit code is kmsconf bench merge's: the gate.
        r = subprocess.run(["/bin/sh", "-c", merge["script"]], env=env_of(merge, tmp / "merge-log", START_AT=start_at,
                           STUB_EXIT="1"), capture_output=True, text=True, timeout=60)
        if r.returncode != 1:
            fail("the merge exited %d when kmsconf bench merge exited 1" % r.returncode)
        # A missing segment: the merge gives up at its deadline and still names the N folders.
        shutil.rmtree(tmp / "merge-log")
        (tmp / "merge-log").mkdir()
        r = subprocess.run(["/bin/sh", "-c", merge["script"]], env=env_of(merge, tmp / "merge-log", START_AT=start_at,
                           SEGMENTS=str(n + 1), MERGE_WAIT_SECONDS="-100"), capture_output=True, text=True, timeout=60)
        margv = calls(tmp / "merge-log")
        if not margv or "%s/segment-%d" % (run_dir, n + 1) not in margv[0] or "done by the deadline" not in r.stderr:
            fail("with a segment missing, the merge ran %s:\n%s%s" % (margv, r.stdout, r.stderr))
        print("merge: exit 1 when kmsconf bench merge says 1; a missing segment still named to it after the deadline")

        # A segment's own failure is its pod's, and kept for the merge.
        p = start(seg, tmp / "seg-log", START_AT=start_at, JOB_COMPLETION_INDEX="0", STUB_EXIT="3", **key)
        p.communicate(timeout=60)
        if p.returncode != 3 or (run_dir / "segment-1.exit").read_text().strip() != "3":
            fail("a segment whose kmsconf exits 3: pod exit %d" % p.returncode)
        refusals = [
            ("a late start", dict(START_AT="%.1f" % (time.time() - 5), **key), "started after START_AT"),
            ("the placeholder key", dict(START_AT=start_at, EXOSCALE_API_KEY=seg["env"].get("EXOSCALE_API_KEY", "")),
             "still holds its placeholder"),
            ("START_AT as committed (0)", dict(START_AT=seg["env"]["START_AT"], **key), "is not UTC seconds"),
        ]
        for what, over, said in refusals:
            shutil.rmtree(tmp / "refused-log", ignore_errors=True)
            p = start(seg, tmp / "refused-log", JOB_COMPLETION_INDEX="0", **over)
            out, _ = p.communicate(timeout=60)
            if p.returncode != 2 or said not in out or calls(tmp / "refused-log"):
                fail("%s: exit %d, kmsconf calls %s:\n%s" % (what, p.returncode, calls(tmp / "refused-log"), out))
            print("segment refuses %s: exit 2, %s" % (what, out.strip().splitlines()[-1]))
    print("ok: the wrappers run as the manifests hold them")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("setup", "valid", "broken", "wrappers"):
        print("usage: k8s_manifests_test.py setup|valid|broken|wrappers SOURCE_DIR WORK_DIR", file=sys.stderr)
        sys.exit(2)
    mode, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3]).resolve()
    {"setup": setup, "valid": valid, "broken": broken, "wrappers": wrappers}[mode](src, work)


if __name__ == "__main__":
    main()
