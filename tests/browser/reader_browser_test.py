#!/usr/bin/python3
"""The reader's side in a real browser (headless Chromium).

Builds a mirror from the seed feed with `newsmirror run` (a file: source),
renders it with `newsmirror site`, serves it twice (the local reader,
`newsmirror serve`, and the static site behind a plain static file server),
and checks in Chromium that: the home page loads, searching 岸田 finds the
seed article, the article page shows its paragraphs and image, no console
message is logged and no page asks for anything but 127.0.0.1. Images go
through an image proxy on 127.0.0.1 that counts the requests; one outlet
stores its image in the mirror (images = "local"), and both readers must show
their own copy of it. Screenshots of
each page are kept in --artifacts.
"""
import argparse
import datetime
import email.utils
import http.server
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

ARGS = None
SEED_TITLE = "日本首相岸田文雄1月13日访美会晤拜登，深化美日安保同盟"
# A 1x1 PNG (valid to its last CRC: stored images are decoded before they are kept).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0d00000048101802c55ceb0"
    "0000000049454e44ae426082")


class ImageProxy(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        ImageProxy.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *a):
        pass


class FeedHost(http.server.BaseHTTPRequestHandler):
    """A feed whose article has an image on the feed's own host, stored with images = "local"."""
    hits = []

    def do_GET(self):
        FeedHost.hits.append(self.path)
        if self.path == "/pic.png":
            body, kind = PNG, "image/png"
        else:
            port = self.server.server_address[1]
            body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>图</title>'
                    '<item><title>本地图片的文章</title><link>https://photo.example/1</link><guid>p1</guid>'
                    '<pubDate>Wed, 04 Jan 2023 10:00:00 GMT</pubDate><description><![CDATA[<p>图在下面。</p>'
                    '<img src="http://localhost:%d/pic.png">]]></description></item></channel></rss>' % port).encode()
            kind = "application/rss+xml"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class StaticFiles(http.server.SimpleHTTPRequestHandler):
    requested = []

    def do_GET(self):
        StaticFiles.requested.append(self.path)
        super().do_GET()

    def log_message(self, *a):
        pass


def serve_in_thread(handler):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def chromium(args, profile):
    base = [ARGS.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile,
            # Nothing may leave the machine: every host but the loopback fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
    r = subprocess.run(base + args, capture_output=True, text=True, timeout=90)
    console = [l for l in r.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    return r.stdout, console


class ReaderInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nm-browser-")
        os.makedirs(ARGS.artifacts, exist_ok=True)
        cls.proxy = serve_in_thread(ImageProxy)
        cls.feed_host = serve_in_thread(FeedHost)
        proxy = "http://127.0.0.1:%d/img?url={url_noscheme}" % cls.proxy.server_address[1]
        shutil.copy(os.path.join(ARGS.shared, "fixtures/seed-feed.xml"), cls.tmp)
        config = os.path.join(cls.tmp, "newsmirror.toml")
        # Two more outlets whose 250 titles each all hold 新闻, on interleaved days: more matches
        # than the search shows at once.
        for outlet, hour in (("甲台", 0), ("乙台", 12)):
            with open(os.path.join(cls.tmp, outlet + ".xml"), "w", encoding="utf-8") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title>' % outlet)
                for n in range(250):
                    when = email.utils.format_datetime(
                        datetime.datetime(2024, 1, 1, hour, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=n))
                    f.write("<item><title>新闻%s 第%d篇</title><link>https://%s.example/%d</link><guid>%s-%d</guid>"
                            "<pubDate>%s</pubDate><description>正文 %d</description></item>"
                            % (outlet, n, n, n, outlet, n, when, n))
                f.write("</channel></rss>")
        with open(config, "w", encoding="utf-8") as f:
            f.write('[archive]\nimage_proxy = "%s"\n[[source]]\nname = "美国之音"\nurl = "file:seed-feed.xml"\n' % proxy)
            for outlet in ("甲台", "乙台"):
                f.write('[[source]]\nname = "%s"\nurl = "file:%s.xml"\n' % (outlet, outlet))
            # "localhost": an image on the image proxy's host (127.0.0.1) would count as proxied already.
            f.write('[[source]]\nname = "本地图"\nurl = "http://localhost:%d/feed.xml"\nimages = "local"\n'
                    % cls.feed_host.server_address[1])
        cls.mirror = os.path.join(cls.tmp, "mirror")
        cls.site = os.path.join(cls.tmp, "site")
        subprocess.run([ARGS.binary, "run", "-q", "--config", config, "--out", cls.mirror], check=True)
        subprocess.run([ARGS.binary, "site", "--archive", cls.mirror, "--out", cls.site], check=True,
                       capture_output=True)
        cls.reader = subprocess.Popen([ARGS.binary, "serve", "--archive", cls.mirror, "--port", "0"],
                                      stdout=subprocess.PIPE, text=True)
        line = cls.reader.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)/", line)
        assert port, "serve printed: " + line
        cls.reader_url = "http://127.0.0.1:%s/" % port.group(1)
        handler = lambda *a, **k: StaticFiles(*a, directory=cls.site, **k)
        cls.static = serve_in_thread(handler)
        cls.static_url = "http://127.0.0.1:%d/" % cls.static.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.reader.terminate()
        cls.reader.wait(timeout=10)
        cls.static.shutdown()
        cls.proxy.shutdown()
        cls.feed_host.shutdown()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def profile(self):
        return tempfile.mkdtemp(dir=self.tmp, prefix="profile-")

    def load(self, url, shot):
        dom, console = chromium(["--dump-dom", url], self.profile())
        self.assertEqual(console, [], "console messages on " + url)
        _, console = chromium(["--window-size=1000,1400", "--screenshot=" + os.path.join(ARGS.artifacts, shot), url],
                              self.profile())
        self.assertEqual(console, [], "console messages on " + url)
        self.assertTrue(os.path.getsize(os.path.join(ARGS.artifacts, shot)) > 1000)
        return dom

    def check(self, base, name):
        home = self.load(base + "index.html", name + "-home.png")
        self.assertIn("美国之音", home)
        self.assertIn(SEED_TITLE, home)

        search = self.load(base + "search.html?q=" + urllib.parse.quote("岸田"), name + "-search.png")
        results = search[search.index('id="results"'):]
        link = re.search(r'<a href="([^"]+)">' + SEED_TITLE + "</a>", results)
        self.assertIsNotNone(link, "searching 岸田 on the %s finds the seed article:\n%s" % (name, results[:2000]))
        self.assertIn("找到 1 篇", search)

        hits_before = len(ImageProxy.hits)
        article = self.load(urllib.parse.urljoin(base + "search.html", link.group(1).replace("&amp;", "&")),
                            name + "-article.png")
        self.assertIn("<h1>" + SEED_TITLE + "</h1>", article)
        paragraphs = re.findall(r"<p>(.*?)</p>", article, re.S)
        self.assertTrue(any("岸田文雄星期三" in p for p in paragraphs), "the first paragraph is shown")
        self.assertTrue(any("白宫发言人" in p for p in paragraphs), "the last paragraphs are shown")
        self.assertIsNotNone(re.search(r'<img[^>]+src="http://127\.0\.0\.1:\d+/img\?url=[^"]*gdb\.voanews\.com/', article),
                             "the article's image, through the image proxy")
        self.assertGreater(len(ImageProxy.hits), hits_before, "the browser loaded the article's image")
        self.assertNotIn("<script", article.split("</header>")[1].split("</main>")[0])

    def test_local_reader(self):
        self.check(self.reader_url, "reader")

    def test_static_site(self):
        self.check(self.static_url, "site")

    def test_stored_images_load_in_the_reader_and_the_site(self):
        # images = "local": the image is in the mirror's assets/; both readers show their own copy,
        # linked relatively and answered with its bytes, allowed by the Content-Security-Policy (an
        # image it blocks is a console message), loaded by Chromium from the static site, and
        # neither asks the outlet's host for it.
        assets = os.listdir(os.path.join(self.mirror, "assets", "本地图"))
        self.assertEqual(len(assets), 1, assets)
        feed_hits = len(FeedHost.hits)
        for base, name in ((self.reader_url, "reader"), (self.static_url, "site")):
            StaticFiles.requested.clear()
            url = base + "outlets/" + urllib.parse.quote("本地图") + "/1048574.html"
            page, console = chromium(["--dump-dom", url], self.profile())
            self.assertEqual(console, [], "console messages on " + url)
            src = "../../images/" + urllib.parse.quote("本地图") + "/" + assets[0]
            self.assertIn('src="%s"' % src, page)
            with urllib.request.urlopen(urllib.parse.urljoin(url, src)) as image:
                self.assertEqual(image.headers["Content-Type"], "image/png")
                self.assertEqual(image.read(), PNG)
            if name == "site":
                self.assertIn("/images/" + urllib.parse.quote("本地图") + "/" + assets[0], StaticFiles.requested)
        self.assertEqual(len(FeedHost.hits), feed_hits, "the outlet's host is not asked for the image")

    def test_static_site_search_shows_the_newest_200_of_many(self):
        # 500 titles hold 新闻; the newest 200 are shown, newest first, and the script reads only the
        # title files that can hold them.
        title_files = len(os.listdir(os.path.join(self.site, "search", "a")))
        StaticFiles.requested.clear()
        page = self.load(self.static_url + "search.html?q=" + urllib.parse.quote("新闻"), "site-search-many.png")
        self.assertIn("500 篇，显示最新 200 篇", page)
        results = page[page.index('id="results"'):]
        days = re.findall(r"<time>(\d{4}-\d{2}-\d{2})</time>", results)
        self.assertEqual(len(days), 200, results[:2000])
        self.assertEqual(days, sorted(days, reverse=True))
        # 2024-01-01 + 249 days is the newest day of both outlets; 200 items span the newest 100 days.
        self.assertEqual(days[0], "2024-09-06")
        self.assertEqual(days[-1], "2024-05-30")
        read = {p for p in StaticFiles.requested if "/search/a/" in p}
        self.assertGreater(len(read), 0)
        self.assertLess(len(read), title_files, read)

    def test_static_site_search_words(self):
        # Two words (both must be in the title), one character, and a word no title has.
        for query, found in (("访美 拜登", True), ("岸", True), ("拜登 不存在", False)):
            page = self.load(self.static_url + "search.html?q=" + urllib.parse.quote(query), "site-search-words.png")
            results = page[page.index('id="results"'):]
            if found:
                self.assertIn(SEED_TITLE, results, query)
                self.assertIn("找到 1 篇", page, query)
            else:
                self.assertNotIn(SEED_TITLE, results, query)
                self.assertIn("没有找到", page, query)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
