#!/usr/bin/env python3
"""kmsconf judge reads a HAR as Playwright's recordHar (Chromium) writes it (issue 25 item 4).

    judge_browser_har.py KMSCONF WORK_DIR

Installs playwright-core from package-lock.json (npm ci) into WORK_DIR, then twice: starts a
`kmsconf serve` (clean, then --fault bad-enum), records a page's replicate calls to it with
record_har.js, and judges the recording. The clean server's recording must pass with every call
judged (the replicate, its polls, the Conflict, the refused body, the key read, and a read whose
body the browser never kept, judged without its shape); the faulty one's must fail on
body_schema. Every wait is bounded.
"""
import json
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def start_server(kmsconf, extra):
    server = subprocess.Popen([kmsconf, "serve", "--port", "0", *extra], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()  # "listening on http://127.0.0.1:PORT/v2"
    if "http://" not in line:
        server.kill()
        fail("kmsconf serve did not say where it listens: " + line)
    return server, line.split()[-1]


def record_and_judge(kmsconf, work, name, extra):
    server, base = start_server(kmsconf, extra)
    try:
        har = work / (name + ".har")
        rec = subprocess.run(["node", str(work / "record_har.js"), base, str(har)], cwd=work, capture_output=True,
                             text=True, timeout=120)
        if rec.returncode != 0:
            fail("record_har.js: " + rec.stderr[-2000:])
        print(name + ": the page's statuses " + rec.stdout.strip())
    finally:
        server.terminate()
        server.wait(timeout=10)
    reports = work / (name + "-reports")
    judged = subprocess.run([kmsconf, "judge", str(har), "--report-dir", str(reports)], capture_output=True,
                            text=True, timeout=60)
    summary = json.loads((reports / "summary.json").read_text())
    return judged, summary, json.loads(har.read_text())


def main():
    kmsconf, work = sys.argv[1], pathlib.Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # Beside its node_modules: require() looks for them from the script's own folder.
    for f in ("package.json", "package-lock.json", "record_har.js"):
        shutil.copy(HERE / f, work / f)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=work, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)

    judged, summary, har = record_and_judge(kmsconf, work, "clean", [])
    if har["log"]["creator"]["name"] != "Playwright":
        fail("the HAR was not Playwright's: " + json.dumps(har["log"]["creator"]))
    server_cases = [c for c in summary["cases"] if c["suite"] == "recorded"]
    if judged.returncode != 0:
        fail("a conforming server's recording did not pass:\n" + judged.stdout[-4000:])
    if len(server_cases) < 8:
        fail("%d exchanges judged, wanted the page's 8 or more:\n%s" % (len(server_cases), judged.stdout[-3000:]))
    unread = [e for e in har["log"]["entries"] if "text" not in e["response"]["content"]
              and e["response"]["content"].get("size", -1) != 0]
    if not unread:
        fail("the recording kept every body: the unread one was meant to have none")
    print("clean: %d exchanges judged, exit 0, %d recorded without a body" % (len(server_cases), len(unread)))

    judged, summary, _ = record_and_judge(kmsconf, work, "bad-enum", ["--fault", "bad-enum"])
    failed = {f["check"] for c in summary["cases"] if c["verdict"] == "fail" for f in c["findings"]}
    if judged.returncode != 1 or "body_schema" not in failed:
        fail("--fault bad-enum's recording: exit %d, failing checks %s" % (judged.returncode, sorted(failed)))
    print("bad-enum: exit 1, failing checks " + ", ".join(sorted(failed)))
    print("ok: kmsconf judge reads Playwright's Chromium HAR")


if __name__ == "__main__":
    main()
