#!/usr/bin/python3
"""The HTML bundle in a real browser (headless Chromium), opened from file://.

Builds a mirror with `newsmirror run` (the seed feed, an outlet of 60 long
articles, and an outlet whose image is stored in the mirror), writes HTML
bundles with `newsmirror bundle`, and opens them from file:// in Chromium with
its network log on (--log-net-log). Checks that the page makes no request
(no request in the log made on behalf of a file:// page; a page that does
make one is caught, and the loopback server it asks counts it), that every
article the bundle holds shows its text, and that a bundle with a small
budget stays under it, leaves out the oldest articles and says how many.
"""
import argparse
import datetime
import email.utils
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import unittest

ARGS = None
SEED_TITLE = "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0d00000048101802c55ceb0"
    "0000000049454e44ae426082")


class Host(http.server.BaseHTTPRequestHandler):
    """The stored-image outlet's feed and image, and the request the control page makes."""
    hits = []

    def do_GET(self):
        Host.hits.append(self.path)
        port = self.server.server_address[1]
        if self.path.endswith(".png"):
            body, kind = PNG, "image/png"
        else:
            body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>图</title>'
                    '<item><title>本地图片的文章</title><link>https://photo.example/1</link><guid>p1</guid>'
                    '<pubDate>Wed, 04 Jan 2023 10:00:00 GMT</pubDate><description><![CDATA[<p>本地图片的正文。</p>'
                    '<img src="http://localhost:%d/pic.png" alt="存下的图">]]></description></item>'
                    '</channel></rss>' % port).encode()
            kind = "application/rss+xml"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def chromium(url, profile, netlog):
    args = [ARGS.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile,
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--log-net-log=" + netlog, "--net-log-capture-mode=Everything",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", url]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    console = [l for l in r.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    return r.stdout, console


def page_requests(netlog):
    """The URLs of the requests Chromium's network log shows made for a file:// page.

    Chromium makes requests of its own (time, updates, accounts: no page, no
    origin); a page's request carries the page's site, file://, in its
    network isolation key, and the page's (opaque) origin as initiator.
    """
    with open(netlog, encoding="utf-8") as f:
        log = json.load(f)
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    out = []
    for e in log["events"]:
        if types.get(e["type"]) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params", {})
        if "url" not in p:
            continue
        by_page = "file://" in p.get("network_isolation_key", "") or "file://" in p.get("site_for_cookies", "") \
            or p.get("initiator", "not an origin") != "not an origin"
        if by_page:
            out.append(p["url"])
    return out


def text_of(dom):
    return re.sub(r"<[^>]+>", "", dom)


class BundleInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nm-bundle-browser-")
        os.makedirs(ARGS.artifacts, exist_ok=True)
        cls.host = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Host)
        cls.host.daemon_threads = True
        threading.Thread(target=cls.host.serve_forever, daemon=True).start()
        port = cls.host.server_address[1]
        shutil.copy(os.path.join(ARGS.shared, "fixtures/seed-feed.xml"), cls.tmp)
        # 60 articles of about 6 KB each, one a day from 2023-01-05 on; each has a marker.
        cls.long_markers = []
        with open(os.path.join(cls.tmp, "long.xml"), "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>长文</title>')
            for n in range(60):
                when = datetime.datetime(2023, 1, 5, 4, tzinfo=datetime.timezone.utc) + datetime.timedelta(hours=8 * n)
                marker = "标记%02d号" % n
                cls.long_markers.append(marker)
                body = "<p>%s开头。</p>" % marker + "<p>%s</p>" % ("这是一段很长的正文，用来撑大文件。" * 120)
                f.write("<item><title>长文第%d篇</title><link>https://long.example/%d</link><guid>l%d</guid>"
                        "<pubDate>%s</pubDate><description><![CDATA[%s]]></description></item>"
                        % (n, n, n, email.utils.format_datetime(when), body))
            f.write("</channel></rss>")
        config = os.path.join(cls.tmp, "newsmirror.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write('[archive]\nimage_proxy = "https://images.weserv.nl?url={url_noscheme}"\n'
                    '[fetch]\nretries = 0\npage_spacing_ms = 0\n'
                    '[[source]]\nname = "美国之音"\nurl = "file:seed-feed.xml"\n'
                    '[[source]]\nname = "长文"\nurl = "file:long.xml"\n'
                    '[[source]]\nname = "本地图"\nurl = "http://localhost:%d/feed.xml"\nimages = "local"\n' % port)
        cls.mirror = os.path.join(cls.tmp, "mirror")
        subprocess.run([ARGS.binary, "run", "-q", "--config", config, "--out", cls.mirror], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.host.shutdown()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def bundle(self, name, *extra):
        out = os.path.join(self.tmp, name)
        r = subprocess.run([ARGS.binary, "bundle", "--archive", self.mirror, "--format", "html", "--out", out]
                           + list(extra), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        shutil.copy(out, os.path.join(ARGS.artifacts, name))
        return out

    def open(self, path):
        profile = tempfile.mkdtemp(dir=self.tmp, prefix="profile-")
        netlog = os.path.join(self.tmp, os.path.basename(path) + ".netlog.json")
        dom, console = chromium("file://" + path, profile, netlog)
        return dom, console, page_requests(netlog)

    def test_the_request_log_catches_a_page_that_asks_a_host(self):
        # The control: the same check on a page with one image on a loopback host.
        page = os.path.join(self.tmp, "asks.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write('<!doctype html><p>有一张图</p><img src="http://127.0.0.1:%d/control.png">'
                    % self.host.server_address[1])
        before = Host.hits.count("/control.png")
        dom, _, requests = self.open(page)
        self.assertIn("有一张图", dom)
        self.assertTrue(any(u.endswith("/control.png") for u in requests), requests)
        self.assertGreater(Host.hits.count("/control.png"), before)

    def test_the_month_bundle_asks_nothing_and_shows_every_article(self):
        path = self.bundle("2023-01.html", "--month", "2023-01")
        hits = len(Host.hits)
        dom, console, requests = self.open(path)
        self.assertEqual(requests, [], "the bundle made requests")
        self.assertEqual(len(Host.hits), hits)
        self.assertEqual(console, [], "console messages (a blocked load is one)")
        text = text_of(dom)
        self.assertIn(SEED_TITLE, text)
        self.assertIn("岸田文雄星期三", text)
        self.assertIn("本地图片的正文。", text)
        for marker in self.long_markers:  # all of January (three a day from 01-05)
            self.assertIn(marker, text)
        # The stored image is in the file, the proxied ones are not asked for.
        self.assertRegex(dom, r'<img src="data:image/png;base64,iVBORw0KGgo[^"]*" alt="存下的图"')
        self.assertNotIn("weserv", dom)

    def test_a_small_budget_holds_and_leaves_out_the_oldest(self):
        budget = 150000
        path = self.bundle("small.html", "--month", "2023-01", "--source", "长文", "--max-mb", "0.15")
        size = os.path.getsize(path)
        self.assertLessEqual(size, budget)
        dom, console, requests = self.open(path)
        self.assertEqual(requests, [])
        self.assertEqual(console, [])
        text = text_of(dom)
        shown = [m for m in self.long_markers if m in text]
        left = re.search(r"较早的 (\d+) 篇文章没有收入", text)
        self.assertIsNotNone(left, "the bundle says what it left out")
        january = self.long_markers
        self.assertEqual(len([m for m in shown if m in january]) + int(left.group(1)), len(january))
        self.assertGreater(len(shown), 5)
        # The newest are in, the oldest out; every article in the contents shows its text.
        self.assertIn(january[-1], shown)
        self.assertNotIn(january[0], shown)
        toc = dom[dom.index('id="toc"'):dom.index("</nav>")]
        self.assertEqual(len(re.findall(r"<li><a href=", toc)), len(shown))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
