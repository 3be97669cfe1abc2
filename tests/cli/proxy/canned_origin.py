#!/usr/bin/env python3
"""An origin that answers with canned bytes, written by hand so that what it sends is known to the
byte: the test of `kmsconf proxy` compares them with what a client receives through the proxy.
Each request it reads (head and Content-Length or chunked body, as received) is appended to
REQUEST_LOG, so the test can compare the bytes the client sent with those that arrived.

  canned_origin.py REQUEST_LOG      prints "listening on http://127.0.0.1:PORT" once it listens

The path picks the answer (see ANSWERS): a 200 operation, a 400 problem, a chunked body with a
chunk extension and a trailer, a body delimited by Connection: close, and a 100 Continue before a
200. Only 127.0.0.1."""
import os, socket, socketserver, sys, threading

OPERATION = (b'{"id":"2d9c1b0e-6f4a-4e1b-9c3d-7a5e8f0b1c2d","state":"pending",'
             b'"reference":{"id":"a02baf5a-a3e4-49a0-857b-8a08d276c1c0"}}')
PROBLEM = b'{"type":"about:blank","title":"Bad Request","status":400,"detail":"zone: required"}'
ANSWERS = {
    b"/ok": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-Odd:  two  spaces \r\n\r\n%s"
    % (len(OPERATION), OPERATION),
    b"/problem": b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: %d\r\n\r\n%s"
    % (len(PROBLEM), PROBLEM),
    b"/chunked": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
    b"a;ext=1\r\n" + OPERATION[:10] + b"\r\n" + b"%x\r\n" % (len(OPERATION) - 10) + OPERATION[10:] + b"\r\n0\r\nX-Sum: 42\r\n\r\n",
    b"/close": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + OPERATION,
    b"/continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
}
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
log_lock = threading.Lock()


def read_request(f):
    """One request as received, or None at EOF."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = f.readline(65536)
        if not line:
            return None
        head += line
    lower = head.lower()
    body = b""
    if b"transfer-encoding: chunked" in lower:
        while True:
            size_line = f.readline(1024)
            body += size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:
                    t = f.readline(1024)
                    body += t
                    if t in (b"\r\n", b""):
                        break
                break
            body += f.read(size + 2)
    else:
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                body = f.read(int(line.split(b":", 1)[1]))
    return head + body


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            request = read_request(self.rfile)
            if request is None:
                return
            with log_lock, open(sys.argv[1], "ab") as log:
                log.write(request)
            path = request.split(b" ", 2)[1]
            answer = ANSWERS.get(path, NOT_FOUND)
            self.wfile.write(answer)
            self.wfile.flush()
            if path == b"/close":
                self.connection.shutdown(socket.SHUT_WR)
                return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()
