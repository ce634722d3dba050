#!/usr/bin/env python3
"""Serves a folder of feeds on 127.0.0.1 for the end-to-end benchmark.

/v/NAME answers with Last-Modified and ETag and honours conditional GETs
(304); /n/NAME sends the body with no validators, so every run downloads and
parses it. Listens on the same port of 127.0.0.1 to 127.0.0.HOSTS (default
8), so each feed can have a "host" of its own, as real outlets do (newsmirror
fetches one feed at a time per host). Bodies and validators are read once, at
start, so the server spends little CPU per request beside newsmirror. Prints
the port on standard output, then serves until killed.

Usage: serve_feeds.py DIR [HOSTS]
"""

import hashlib
import http.server
import os
import sys
from email.utils import formatdate

ROOT = os.path.abspath(sys.argv[1])
HOSTS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
if not 1 <= HOSTS <= 254:
    sys.exit("serve_feeds.py: HOSTS must be 1 to 254")

# name -> (body, ETag, Last-Modified)
FEEDS = {}
for name in os.listdir(ROOT):
    path = os.path.join(ROOT, name)
    if os.path.isfile(path):
        with open(path, "rb") as f:
            body = f.read()
        FEEDS[name] = (body, '"%s"' % hashlib.sha1(body).hexdigest()[:16],
                       formatdate(os.stat(path).st_mtime, usegmt=True))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        kind, _, name = self.path.lstrip("/").partition("/")
        feed = FEEDS.get(name)
        if kind not in ("v", "n") or feed is None:
            self.send_error(404)
            return
        body, etag, modified = feed
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
servers = [first] + [http.server.ThreadingHTTPServer(("127.0.0.%d" % i, port), Handler)
                     for i in range(2, HOSTS + 1)]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print(port, flush=True)
first.serve_forever()
