#!/usr/bin/env python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) from the suites and from the exchanges of
real runs (exchanges.har of `kmsconf --report-dir DIR`, one per contract revision), plus a few
hand-written inputs for what a run never shows (chunked and interim responses, far dates).
Deterministic; the files are small and kept in git. Usage: fuzz/seed_corpus.py HAR...
"""
import hashlib
import json
import pathlib
import shutil
import sys
from urllib.parse import urlsplit

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
LIMIT = 40  # inputs per target taken from the exchanges: enough shapes, small in git


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def head_lines(headers):
    return "".join(f"{h['name']}: {h['value']}\r\n" for h in headers)


def main(hars):
    shutil.rmtree(CORPUS, ignore_errors=True)
    for f in sorted((ROOT.parent / "suites").glob("*.json")):
        put("suite_file", f.read_bytes())
    put("suite_file", '{"suite":"s","description":"d","cases":[]}')

    seen = {t: set() for t in ("response_checks", "strict_json", "server_requests", "bench_response")}

    def once(target, key, data):
        if key in seen[target] or len(seen[target]) >= LIMIT:
            return
        seen[target].add(key)
        put(target, data)

    for har in hars:
        for e in json.load(open(har))["log"]["entries"]:
            req, res = e["request"], e["response"]
            body = res.get("content", {}).get("text", "")
            if res["status"] == 0 or res.get("content", {}).get("encoding"):
                continue
            shape = (res["status"], body[:40])
            once("response_checks", shape, f"{res['status']}\n" + head_lines(res["headers"]) + "\r\n" + body)
            wire = f"HTTP/1.1 {res['status']} \r\n" + head_lines(res["headers"]) + "\r\n" + body
            once("bench_response", shape, "\x00" + wire)
            if body:
                once("strict_json", body[:60], body)
            post = req.get("postData", {})
            if post.get("text") and not post.get("_encoding"):
                once("strict_json", post["text"][:60], post["text"])
            u = urlsplit(req["url"])
            target = u.path + (f"?{u.query}" if u.query else "")
            hdrs = [h for h in req["headers"] if h["name"].lower() != "authorization"]
            wire_req = f"{req['method']} {target} HTTP/1.1\r\n" + head_lines(hdrs) + "\r\n" + post.get("text", "")
            once("server_requests", (req["method"], target, post.get("text", "")[:40]), wire_req)

    key = "a02baf5a-a3e4-49a0-857b-8a08d276c1c0"
    r = f"POST /v2/kms-key/{key}/replicate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    put("server_requests", r + "Content-Length: 19\r\n\r\n{\"zone\":\"de-fra-1\"}" + r + "Content-Length: 2\r\n\r\n{}")
    put("server_requests", r + "Transfer-Encoding: chunked\r\n\r\n13\r\n{\"zone\":\"at-vie-1\"}\r\n0\r\n\r\n")
    put("server_requests", r + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}")
    put("server_requests", f"GET /v2/kms-key/{key} HTTP/1.0\r\n\r\n")

    put("bench_response", "\x05HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n0\r\nT: v\r\n\r\n")
    put("bench_response", "\x10HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}")
    put("bench_response", "\x00HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
    put("bench_response", "\x20HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody to the close")
    put("bench_response", "\x01HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")

    for url in ["http://127.0.0.1:8080/v2", "https://api-ch-gva-2.exoscale.com/v2/", "http://[::1]:1/x/y",
                "HTTPS://h", "http://h:65535/a%20b", "http://user@h/", "ftp://h/", "http://h/?q"]:
        put("base_url", url)
    for value in ["120", "0", " 5 ", "Fri, 31 Dec 1999 23:59:59 GMT", "Wed, 01 Apr 2026 00:00:00 GMT",
                  "Fri, 31 Dec 9999 23:59:59 GMT", "-1", "99999999999999999999", "soon"]:
        put("retry_after", value)
    put("strict_json", '{"zone":"de-fra-1","a":[1,2.5e3,true,null,"\\u00e9"]}')
    put("strict_json", '{"zone":"de-fra-1","zone":"at-vie-1"}')


if __name__ == "__main__":
    main(sys.argv[1:])
