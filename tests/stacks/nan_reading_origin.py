#!/usr/bin/env python3
"""A conforming replicate service whose request parser is Python's json.loads with its defaults,
which reads NaN, Infinity and -Infinity (an extension RFC 8259 §9 permits; §6 says such numbers
"are not permitted" in JSON texts). Stack python-nan-origin of tests/stacks/front_end_stack.py.

It is the Python tier of a Python API: it reads every replicate body with json.loads, and keeps
the key state in a back end, the reference server (`kmsconf serve --credentials-from-env`, its
origin URL given as the one argument). Whatever the back end answers is relayed as it is, so the
parser is the only difference kmsconf can see: a body that json.loads reads but strict JSON
refuses (`{"zone":"de-fra-1","ratio":NaN}`, malformed.unparsable-json-nan) is handed on as the
service understood it, non-finite numbers as null, which the back end ignores as an unknown
member: answered 200, and the zone is replicated, as issue 22 describes such servers doing.
A rewritten request is signed again for the back end only if its own EXO2-HMAC-SHA256 signature
verified (the scheme of docs/contract.md §7, with EXOSCALE_API_KEY / EXOSCALE_API_SECRET); one
that does not verify is handed on unchanged, so the back end refuses it as it refuses any other.
Every other request is relayed byte for byte (target, method, headers less hop-by-hop, body).

Usage: nan_reading_origin.py BACKEND_ORIGIN [PORT]; prints "listening on
http://127.0.0.1:PORT/v2" once it listens (port 0 or none: any free port)."""
import hmac, http.client, json, math, os, re, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from origin_support import exo2_signature, read_request_body  # noqa: E402

BACKEND = urllib.parse.urlsplit(sys.argv[1])
API_KEY, API_SECRET = os.environ.get("EXOSCALE_API_KEY"), os.environ.get("EXOSCALE_API_SECRET")
REPLICATE = re.compile(r"^/v2/kms-key/[^/?]+/replicate(\?|$)")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"}


def strict_json(text):
    """True when text is JSON as RFC 8259 has it (no NaN, Infinity or -Infinity)."""
    def refuse(constant):
        raise ValueError(constant)
    try:
        json.loads(text, parse_constant=refuse)
        return True
    except (ValueError, RecursionError):
        return False


def finite(value):
    """value with every non-finite number json.loads made of NaN / Infinity as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def signature(method, target, body, expires):
    return exo2_signature(API_SECRET, method, target, body, expires)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15

    def log_message(self, *args):
        pass

    def __getattr__(self, name):  # every method, whatever its spelling, goes to the back end
        if name.startswith("do_"):
            return self.relay
        raise AttributeError(name)

    def read_body(self):
        return read_request_body(self, missing=None)

    def parsed_as_python_does(self, body, headers):
        """The body the service hands on, and its headers: rewritten only for what strict JSON refuses."""
        if self.command != "POST" or not REPLICATE.match(self.path) or not body:
            return body, headers
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body, headers
        if strict_json(text):
            return body, headers
        try:
            doc = json.loads(text)  # Python's defaults: NaN, Infinity and -Infinity read as floats
        except (ValueError, RecursionError):
            return body, headers
        rewritten = json.dumps(finite(doc), ensure_ascii=False).encode()
        if API_KEY:
            auth = self.headers.get("Authorization", "")
            try:
                parts = dict(p.split("=", 1) for p in auth[len("EXO2-HMAC-SHA256 "):].split(","))
                expires = int(parts["expires"])
                valid = (auth.startswith("EXO2-HMAC-SHA256 ") and parts["credential"] == API_KEY
                         and hmac.compare_digest(parts["signature"], signature(self.command, self.path, body, expires)))
            except (KeyError, ValueError):
                valid = False
            if not valid:
                return body, headers  # the back end refuses it
            headers = [(k, v) for k, v in headers if k.lower() != "authorization"]
            headers.append(("Authorization", "EXO2-HMAC-SHA256 credential=%s,expires=%d,signature=%s" % (
                API_KEY, expires, signature(self.command, self.path, rewritten, expires))))
        return rewritten, headers

    def relay(self):
        body = self.read_body()
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
        body, headers = self.parsed_as_python_does(body, headers)
        upstream = http.client.HTTPConnection(BACKEND.hostname, BACKEND.port, timeout=15)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in headers:
                upstream.putheader(k, v)
            if body is not None:
                upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body)
            answer = upstream.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as e:
            data = json.dumps({"message": "back end unreachable: %s" % e}).encode()
            self.send_response(502)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        finally:
            upstream.close()
        self.send_response_only(answer.status, answer.reason)
        close = "close" in answer.getheader("Connection", "").lower()
        for k, v in answer.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        if self.command != "HEAD" and answer.status not in (204, 304) and not 100 <= answer.status < 200:
            self.send_header("Content-Length", str(len(data)))
        elif answer.getheader("Content-Length") is not None:
            self.send_header("Content-Length", answer.getheader("Content-Length"))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0), Handler)
server.daemon_threads = True
print("listening on http://127.0.0.1:%d/v2" % server.server_address[1], flush=True)
server.serve_forever()
