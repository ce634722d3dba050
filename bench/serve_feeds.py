#!/usr/bin/env python3
"""Serves a folder of feeds on 127.0.0.1 for the end-to-end benchmark.

/v/NAME answers with Last-Modified and ETag and honours conditional GETs
(304); /n/NAME sends the body with no validators, so every run downloads and
parses it. Listens on the same port of 127.0.0.1 to 127.0.0.8, so feeds can
be spread over eight "hosts" (newsmirror fetches one at a time per host, as
real outlets are on hosts of their own). Prints the port on standard output,
then serves until killed.

Usage: serve_feeds.py DIR
"""

import hashlib
import http.server
import os
import sys
from email.utils import formatdate

ROOT = os.path.abspath(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        kind, _, name = self.path.lstrip("/").partition("/")
        path = os.path.join(ROOT, os.path.basename(name))
        if kind not in ("v", "n") or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            body = f.read()
        st = os.stat(path)
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        modified = formatdate(st.st_mtime, usegmt=True)
        if kind == "v" and (self.headers.get("If-None-Match") == etag or
                            self.headers.get("If-Modified-Since") == modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if kind == "v":
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)


import threading

first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = first.server_address[1]
servers = [first] + [http.server.ThreadingHTTPServer(("127.0.0.%d" % i, port), Handler) for i in range(2, 9)]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print(port, flush=True)
first.serve_forever()
