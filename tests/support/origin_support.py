"""What the Python test origins share (tests/support/quirky_origin.py,
tests/stacks/nan_reading_origin.py): reading a request body as http.server leaves it to the
handler, and the EXO2-HMAC-SHA256 signature (docs/contract.md §7) they check or make."""
import base64, hashlib, hmac, urllib.parse


def read_request_body(handler, missing=b""):
    """The body of the request `handler` (a BaseHTTPRequestHandler) is reading: a chunked one
    decoded (RFC 9112 §7.1, trailers skipped), else Content-Length bytes; `missing` when neither."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        out = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return out
            out += handler.rfile.read(size)
            handler.rfile.readline()
    length = handler.headers.get("Content-Length")
    return handler.rfile.read(int(length)) if length else missing


def exo2_signature(secret, method, target, body, expires):
    """EXO2-HMAC-SHA256 over METHOD PATH, body, the single-valued query values in name order, expires."""
    path, _, query = target.partition("?")
    values = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        values.setdefault(urllib.parse.unquote_to_bytes(name.replace("+", " ")), []).append(
            urllib.parse.unquote_to_bytes(value.replace("+", " ")))
    signed = b"".join(v[0] for _, v in sorted(values.items()) if len(v) == 1)
    message = b"%s %s\n%s\n%s\n\n%d" % (method.encode(), path.encode(), body, signed, expires)
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
