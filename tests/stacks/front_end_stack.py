#!/usr/bin/env python3
"""kmsconf through a real front end (issue 22, item 5): one stack per run.

    front_end_stack.py KMSCONF_BINARY STACK [--keep] [--signed-only | --unsigned-only]

STACK is one of: nginx-proxy-pass, nginx-proxy-pass-uri, haproxy, apache, varnish,
python-nan-origin. For each of two runs, signed and unsigned, the driver makes a fresh folder,
starts a fresh `kmsconf serve` (the reference server) on a free loopback port, writes the front
end's configuration from the template beside this file (a Debian 12 default: see each
template's header) and starts it on another free 127.0.0.1 port, waits until both answer, runs
`kmsconf --strict --base-url http://127.0.0.1:PORT/v2 --report-dir DIR` through it, and checks
the expectation:

- nginx (both), HAProxy, Apache httpd and the NaN-reading Python origin conform as deployed:
  `--strict` exits 0. The NaN origin's one deliberate SHOULD departure (it answers
  malformed.unparsable-json-nan 200, an extension RFC 8259 §9 permits) is the only finding
  tolerated, and it is printed as such.
- Varnish with its stock VCL caches the unsigned key reads: that run exits 1 and every failing
  finding (each <failure> message in junit.xml, each finding of a failed case in summary.json)
  names the cache. Its builtin VCL passes every request that carries Authorization
  (vcl_req_authorization), so the signed run meets no cache and must exit 0.

Why both runs: a signed request whose path a front end rewrites (merged slashes, resolved dot
segments, decoded %2D) no longer matches its signature, and the reference server checks the
signature first, so the signed run sees 403 where the unsigned run sees what the rewritten
path's resource answers (405 with Allow, 404). The signed run uses throw-away credentials made
for it (EXOSCALE_API_KEY / EXOSCALE_API_SECRET for `kmsconf serve --credentials-from-env` and
for kmsconf); the unsigned run has none, and kmsconf skips the signature cases, as it says.

Prints the versions, kmsconf's exit code and count line, the failing findings and the time
taken. Exit 0 when every expectation holds, 1 when one does not (the reason printed). Every
wait is bounded and everything started is stopped (its whole process group), also on failure,
timeout (SIGTERM) or Ctrl-C. --keep keeps each run's folder (configurations, the front end's
and the reference server's logs, which show the target each request reached the origin with,
and kmsconf's reports) and prints its path.
"""
import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT = 15      # s, for each process to answer
KMSCONF_TIMEOUT = 75    # s, for one kmsconf run (about 5 to 9 s; an operation that never settles: 60 s)
STOP_GRACE = 5          # s, between SIGTERM and SIGKILL
BUDGET = 110            # s, for the whole stack, both runs (CTest's TIMEOUT, 150 s, is above it)
# A path no case uses: the readiness probe must not put a key read in Varnish's cache.
PROBE_PATH = "/kmsconf-stacks-readiness-probe"
SETUP = "scripts/setup.sh installs it"

NGINX_LOCATION_WITHOUT_URI = """\
		# proxy_pass without a URI part: the request's target is passed on as the client sent it.
		location / {
			proxy_pass http://127.0.0.1:@ORIGIN_PORT@;
		}"""
NGINX_LOCATION_WITH_URI = """\
		# proxy_pass with a URI part: nginx replaces the matched /v2/ by /v2/ in its *normalised*
		# URI (slashes merged, dot segments resolved, percent-encoding decoded and re-encoded),
		# the proxy_pass documentation's "If proxy_pass is specified with URI" case.
		location /v2/ {
			proxy_pass http://127.0.0.1:@ORIGIN_PORT@/v2/;
		}"""


class Stack:
    def __init__(self, name, package, binary, version_argv, expect):
        self.name, self.package, self.binary, self.version_argv = name, package, binary, version_argv
        self.expect = expect if isinstance(expect, dict) else {"signed": expect, "unsigned": expect}


# The NaN-reading origin's deliberate departure: the only finding its stack tolerates.
NAN_CASE = "malformed.unparsable-json-nan"
EXPECTATIONS = {
    "pass": "--strict exits 0",
    "pass-nan": "--strict exits 0, %s's SHOULD finding (NaN read) alone tolerated" % NAN_CASE,
    "cache": "exit 1, every failing finding naming the cache",
}
STACKS = {s.name: s for s in [
    Stack("nginx-proxy-pass", "nginx-light", "/usr/sbin/nginx", ["/usr/sbin/nginx", "-v"], "pass"),
    Stack("nginx-proxy-pass-uri", "nginx-light", "/usr/sbin/nginx", ["/usr/sbin/nginx", "-v"], "pass"),
    Stack("haproxy", "haproxy", "/usr/sbin/haproxy", ["/usr/sbin/haproxy", "-v"], "pass"),
    Stack("apache", "apache2", "/usr/sbin/apache2", ["/usr/sbin/apache2", "-v"], "pass"),
    # The builtin VCL passes (never caches) a request that carries Authorization: the signed run
    # meets no cache and must not be told it did (Via and X-Varnish are on passed answers too).
    Stack("varnish", "varnish", "/usr/sbin/varnishd", ["/usr/sbin/varnishd", "-V"],
          {"signed": "pass", "unsigned": "cache"}),
    Stack("python-nan-origin", "python3", sys.executable, [sys.executable, "--version"], "pass-nan"),
]}


class Failure(Exception):
    pass


def log(message):
    print("stacks: " + message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip()
    except OSError:
        return "(no %s)" % path


class Process:
    """A process in a process group of its own, output to a file; stop() ends the whole group."""

    def __init__(self, name, argv, work, env=None):
        self.name, self.argv = name, argv
        self.log_path = os.path.join(work, name + ".log")
        self.log = open(self.log_path, "wb")
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                      env=env, start_new_session=True)

    def running(self):
        return self.popen.poll() is None

    def stop(self):
        pgid = self.popen.pid  # start_new_session: the group's id is the leader's pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and group_alive(pgid):
            self.popen.poll()
            time.sleep(0.1)
        if group_alive(pgid):
            log("%s did not stop within %d s of SIGTERM: SIGKILL" % (self.name, STOP_GRACE))
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.popen.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # killpg also reaches a zombie (a leader not yet reaped, or a child whose parent is gone):
    # the group is alive while one of its processes is not a zombie.
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    return True
            except (OSError, IndexError, ValueError):
                pass
    return False


def wait_for_line(process, pattern, timeout):
    """The first match of pattern in process's output, waiting at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(process.log_path, errors="replace") as f:
            m = re.search(pattern, f.read(), re.M)
        if m:
            return m
        if not process.running():
            break
        time.sleep(0.05)
    raise Failure("%s printed no %r within %d s (exit code %s); its output:\n%s" % (
        process.name, pattern, timeout, process.popen.poll(), tail(process.log_path)))


def wait_until_answers(process, port, timeout):
    """Until an HTTP answer (any status) comes from 127.0.0.1:port, at most timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if not process.running():
            raise Failure("%s exited with code %s before it answered; its output:\n%s" % (
                process.name, process.popen.poll(), tail(process.log_path)))
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", PROBE_PATH)
            status = c.getresponse().status
            c.close()
            return status
        except (OSError, http.client.HTTPException) as e:
            last = e
            time.sleep(0.1)
    raise Failure("%s did not answer on 127.0.0.1:%d within %d s (last: %s); its output:\n%s" % (
        process.name, port, timeout, last, tail(process.log_path)))


def fill(template, **values):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("@%s@" % key, str(value))
    unfilled = re.findall(r"@[A-Z_]+@", text)
    if unfilled:
        raise Failure("%s: no value for %s" % (template, ", ".join(sorted(set(unfilled)))))
    return text


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def front_end_argv(stack, work, port, origin_port, origin_url, env):
    """The argv that runs stack's front end in the foreground, its configuration written into work."""
    if stack.name.startswith("nginx"):
        location = NGINX_LOCATION_WITH_URI if stack.name.endswith("-uri") else NGINX_LOCATION_WITHOUT_URI
        conf = write(os.path.join(work, "nginx.conf"),
                     fill("nginx.conf.in", WORK=work, PORT=port, LOCATION=location.replace("@ORIGIN_PORT@", str(origin_port))))
        # -p: the prefix for relative paths; -e: the error log before the configuration is read
        # (nginx-light's default is stderr, which the log file has anyway).
        return ["/usr/sbin/nginx", "-p", work + "/", "-e", os.path.join(work, "error.log"), "-c", conf,
                "-g", "daemon off;"]
    if stack.name == "haproxy":
        conf = write(os.path.join(work, "haproxy.cfg"), fill("haproxy.cfg.in", PORT=port, ORIGIN_PORT=origin_port))
        return ["/usr/sbin/haproxy", "-db", "-f", conf]  # -db: foreground, no daemon
    if stack.name == "apache":
        conf = write(os.path.join(work, "apache2.conf"),
                     fill("apache2.conf.in", WORK=work, PORT=port, ORIGIN_PORT=origin_port))
        # Debian's /etc/apache2/envvars, the folders in the run's own one.
        env.update(APACHE_RUN_USER="www-data", APACHE_RUN_GROUP="www-data", APACHE_RUN_DIR=work,
                   APACHE_LOCK_DIR=work, APACHE_LOG_DIR=work, APACHE_PID_FILE=os.path.join(work, "apache2.pid"),
                   LANG="C")
        return ["/usr/sbin/apache2", "-f", conf, "-DFOREGROUND"]
    if stack.name == "varnish":
        vcl = write(os.path.join(work, "default.vcl"), fill("default.vcl.in", ORIGIN_PORT=origin_port))
        # Debian's varnish.service: -j unix,user=vcache -F -a :6081 -T localhost:6082
        # -f /etc/varnish/default.vcl -S /etc/varnish/secret -s malloc,256m. Here the loopback
        # port, no management port (-T none: nothing talks to it), and its own working folder
        # (-n), so no instance of the machine is touched. The unix jail needs root; a developer
        # who is not runs it without one.
        jail = "unix,user=vcache" if os.geteuid() == 0 else "none"
        return ["/usr/sbin/varnishd", "-j", jail, "-F", "-a", "127.0.0.1:%d" % port, "-T", "none",
                "-f", vcl, "-s", "malloc,256m", "-n", os.path.join(work, "varnish")]
    if stack.name == "python-nan-origin":
        return [sys.executable, os.path.join(HERE, "nan_reading_origin.py"), origin_url.rsplit("/v2", 1)[0], str(port)]
    raise Failure("unknown stack " + stack.name)


def version(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unknown (%s)" % e
    text = r.stdout.decode(errors="replace").strip().splitlines()
    return text[0] if text else "unknown"


def junit_failures(path):
    """[(case id, message)] of every <failure> in junit.xml."""
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        for failure in case.findall("failure"):
            out.append(("%s.%s" % (case.get("classname"), case.get("name")), failure.get("message") or ""))
    return out


def failing_findings(summary):
    """[(case, verdict, level, check, message)] of every case that failed or was non-strict."""
    out = []
    for c in summary.get("cases", []):
        if c.get("verdict") in ("fail", "non-strict"):
            for f in c.get("findings", []):
                if f.get("level") != "informational":
                    out.append(("%s.%s" % (c["suite"], c["id"]), c["verdict"], f.get("level"), f.get("check"),
                                f.get("message", "")))
    return out


def left(deadline, most=START_TIMEOUT):
    """Seconds a wait may take: at most `most`, and no further than the stack's deadline."""
    return max(1, min(most, deadline - time.monotonic()))


def run_stack(stack, kmsconf, work, signed, deadline):
    """kmsconf's (exit code, output, report folder, seconds) through stack, started in work and stopped."""
    env = dict(os.environ)
    for name in ("EXOSCALE_API_KEY", "EXOSCALE_API_SECRET"):
        env.pop(name, None)
    if signed:  # throw-away credentials for this run; kmsconf never prints the secret
        env["EXOSCALE_API_KEY"] = "EXO" + os.urandom(12).hex()
        env["EXOSCALE_API_SECRET"] = base64.urlsafe_b64encode(os.urandom(30)).decode()
    processes = []
    try:
        serve_argv = [kmsconf, "serve", "--port", "0", "--verbose"] + (["--credentials-from-env"] if signed else [])
        origin = Process("kmsconf-serve", serve_argv, work, env)
        processes.append(origin)
        origin_url = wait_for_line(origin, r"^listening on (http://127\.0\.0\.1:(\d+)/v2)$", left(deadline)).group(1)
        origin_port = int(origin_url.rsplit(":", 1)[1].split("/")[0])

        if not os.path.exists(stack.binary):
            raise Failure("%s not found: install the Debian package %s (%s)" % (stack.binary, stack.package, SETUP))
        front = None
        for attempt in range(3):  # a free port can be taken between free_port() and the bind
            port = free_port()
            front_env = dict(env)
            argv = front_end_argv(stack, work, port, origin_port, origin_url, front_env)
            front = Process(stack.name, argv, work, front_env)
            processes.append(front)
            try:
                wait_until_answers(front, port, left(deadline))
                break
            except Failure:
                in_use = re.search(r"in use|cannot bind", tail(front.log_path, 50), re.I)
                front.stop()
                processes.remove(front)
                if not in_use or attempt == 2:
                    raise
        log("%s answers on 127.0.0.1:%d in front of kmsconf serve on 127.0.0.1:%d" % (stack.name, port, origin_port))

        reports = os.path.join(work, "reports")
        argv = [kmsconf, "--strict", "--base-url", "http://127.0.0.1:%d/v2" % port, "--report-dir", reports]
        log("running: " + " ".join(argv) + (" (signed)" if signed else " (unsigned)"))
        started = time.monotonic()
        timeout = left(deadline, KMSCONF_TIMEOUT)
        try:
            r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env, timeout=timeout, start_new_session=True)
        except subprocess.TimeoutExpired as e:
            raise Failure("kmsconf did not finish within %d s; its output so far:\n%s" % (
                timeout, (e.stdout or b"").decode(errors="replace")[-3000:]))
        output = r.stdout.decode(errors="replace")
        with open(os.path.join(work, "kmsconf.out"), "w") as f:
            f.write(output)
        return r.returncode, output, reports, time.monotonic() - started
    finally:
        for p in reversed(processes):
            p.stop()


def judge(expect, code, output, reports):
    """(holds, reasons) for the expectation."""
    count = [l for l in output.splitlines() if l.startswith("kmsconf: ") and " passed, " in l]
    log("kmsconf exit code %d; %s" % (code, count[-1].strip() if count else "no count line"))
    for line in output.splitlines():
        if line.strip().startswith("(") and "non-strict" in line:
            log("  " + line.strip())
    junit = os.path.join(reports, "junit.xml")
    summary_path = os.path.join(reports, "summary.json")
    if code not in (0, 1) or not os.path.exists(junit) or not os.path.exists(summary_path):
        return False, ["kmsconf exited %d without its reports; its output:\n%s" % (code, output[-3000:])]
    failures = junit_failures(junit)
    with open(summary_path) as f:
        findings = failing_findings(json.load(f))
    for case, verdict, level, check, message in findings:
        log("  %s %s %s %s: %s" % (verdict, case, level, check, message))

    if expect == "pass":
        if code == 0:
            return True, []
        return False, ["expected --strict to exit 0, got %d; the failing findings are above" % code]
    if expect == "pass-nan":
        others = [f for f in findings if f[0] != NAN_CASE or f[2] != "SHOULD"]
        if code == 0:
            return True, []
        if findings and not others:
            log("tolerated: %s's SHOULD finding, the origin's documented departure (it reads NaN)" % NAN_CASE)
            return True, []
        return False, ["expected --strict to exit 0 (or to fail %s's SHOULD finding alone), got %d; the "
                       "failing findings are above" % (NAN_CASE, code)]
    if expect == "cache":
        reasons = []
        if code != 1:
            reasons.append("expected exit 1 through a caching front end, got %d" % code)
        if not failures:
            reasons.append("junit.xml holds no <failure>")
        names_cache = re.compile(r"cache", re.I)
        for case, message in failures:
            if not names_cache.search(message):
                reasons.append("junit.xml: the failure of %s does not name the cache: %s" % (case, message))
        for case, verdict, level, check, message in findings:
            if not names_cache.search(message):
                reasons.append("summary.json: %s's %s finding %s does not name the cache: %s" % (case, level, check, message))
        return not reasons, reasons
    raise AssertionError(expect)


def interrupted(signum, frame):
    raise KeyboardInterrupt()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kmsconf")
    parser.add_argument("stack", choices=sorted(STACKS))
    parser.add_argument("--keep", action="store_true", help="keep each run's folder and print its path")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--signed-only", dest="modes", action="store_const", const=["signed"])
    group.add_argument("--unsigned-only", dest="modes", action="store_const", const=["unsigned"])
    args = parser.parse_args()
    stack = STACKS[args.stack]
    kmsconf = os.path.abspath(args.kmsconf)
    if not os.access(kmsconf, os.X_OK):
        print("stacks: %s is not an executable kmsconf" % kmsconf, file=sys.stderr)
        return 1
    # SIGTERM (CTest's timeout) unwinds like Ctrl-C, so the finally blocks stop what was started.
    signal.signal(signal.SIGTERM, interrupted)

    started = time.monotonic()
    log("%s: %s; %s" % (stack.name, version(stack.version_argv), version([kmsconf, "--version"])))
    results = []
    for mode in args.modes or ["signed", "unsigned"]:
        expect = stack.expect[mode]
        log("--- %s run, expected: %s" % (mode, EXPECTATIONS[expect]))
        work = tempfile.mkdtemp(prefix="kmsconf-stack-%s-%s-" % (stack.name, mode))
        os.chmod(work, 0o755)  # nginx's, Apache's and Varnish's unprivileged workers reach their files in it
        holds, reasons = False, []
        try:
            code, output, reports, took = run_stack(stack, kmsconf, work, mode == "signed", started + BUDGET)
            log("kmsconf took %.1f s" % took)
            holds, reasons = judge(expect, code, output, reports)
        except Failure as e:
            reasons = [str(e)]
        except KeyboardInterrupt:
            reasons = ["interrupted"]
        finally:
            if args.keep:
                log("kept " + work)
            else:
                shutil.rmtree(work, ignore_errors=True)
        for reason in reasons:
            log("FAILED (%s run): %s" % (mode, reason))
        results.append((mode, holds))
        if reasons == ["interrupted"]:
            break
    ok = all(holds for _, holds in results) and len(results) == len(args.modes or ["signed", "unsigned"])
    log("%s: %s in %.1f s" % (stack.name, ", ".join("%s run %s" % (m, "as expected" if h else "NOT as expected")
                                                     for m, h in results), time.monotonic() - started))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
