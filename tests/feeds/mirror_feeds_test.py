#!/usr/bin/python3
"""The mirror's own Atom feeds, read by real feed readers and a strict validator.

`newsmirror run` archives two outlets from file: feeds; then feeds/{outlet}.xml
and feeds/all.xml must parse in feedparser without complaint (bozo false),
carry the newest 50 articles newest first with links into the mirror and the
original as rel="via", validate against RFC 4287's schema (xmllint -relaxng),
keep no script from archived content, and not change on a run that archives
nothing new.
"""
import argparse
import email.utils
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import feedparser

ARGS = None
RAW = "https://raw.example.invalid/user/mirror/main/"
ATOM = "{http://www.w3.org/2005/Atom}"


def rss(items):
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>']
    for guid, title, when, content in items:
        out.append("<item><title>%s</title><link>https://news.example/a/%s</link><guid>%s</guid>"
                   "<pubDate>%s</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>"
                   % (title, guid, guid, email.utils.formatdate(when, usegmt=True), content))
    return "".join(out) + "</channel></rss>"


class MirrorFeedsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nm-feeds-")
        base = 1672531200  # 2023-01-01
        # 60 articles of one outlet over three months, newest last in the feed.
        cls.a_items = [("a%d" % i, "甲新闻 第%d篇" % i, base + i * 36 * 3600, "<p>正文 %d</p>" % i) for i in range(60)]
        cls.b_items = [
            ("b1", "乙 &amp; &lt;特殊&gt; \"引号\"", base + 10 * 3600,
             '<p>乙正文</p><script>alert(1)</script><img src="https://img.example/x.jpg" onerror="alert(2)">'
             '<a href="javascript:alert(3)">链接</a>'),
            ("b2", "乙 最新", base + 90 * 24 * 3600, "<p>最新</p>"),
        ]
        for name, items in (("a.xml", cls.a_items), ("b.xml", cls.b_items)):
            with open(os.path.join(cls.tmp, name), "w", encoding="utf-8") as f:
                f.write(rss(items))
        cls.config = os.path.join(cls.tmp, "newsmirror.toml")
        with open(cls.config, "w", encoding="utf-8") as f:
            f.write('[archive]\nimage_proxy = ""\n[publish]\nraw_base_url = "%s"\n'
                    '[[source]]\nname = "甲"\nurl = "file:a.xml"\n[[source]]\nname = "乙"\nurl = "file:b.xml"\n' % RAW)
        cls.mirror = os.path.join(cls.tmp, "mirror")
        subprocess.run([ARGS.binary, "run", "-q", "--config", cls.config, "--out", cls.mirror], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def feed(self, name):
        return os.path.join(self.mirror, "feeds", name + ".xml")

    def mirror_file(self, url):
        self.assertTrue(url.startswith(RAW), url)
        return os.path.join(self.mirror, urllib.parse.unquote(url[len(RAW):]))

    def test_outlet_feed_has_the_newest_50_linked_into_the_mirror(self):
        d = feedparser.parse(self.feed("甲"))
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(d.version, "atom10")
        self.assertEqual(len(d.entries), 50)
        expected = [t for _, t, _, _ in sorted(self.a_items, key=lambda i: -i[2])[:50]]
        self.assertEqual([e.title for e in d.entries], expected)
        for e, (guid, _, when, content) in zip(d.entries, sorted(self.a_items, key=lambda i: -i[2])):
            links = {l.rel: l.href for l in e.links}
            self.assertEqual(links["via"], "https://news.example/a/" + guid)
            path = self.mirror_file(links["alternate"])
            self.assertTrue(os.path.exists(path), path)
            self.assertEqual(e.content[0].value, content)
            self.assertEqual(e.published_parsed[:6], tuple(__import__("time").gmtime(when))[:6])
        self.assertEqual(d.feed.links[0].href, RAW + "feeds/%E7%94%B2.xml")

    def test_all_feed_mixes_outlets_newest_first(self):
        d = feedparser.parse(self.feed("all"))
        self.assertFalse(d.bozo, d.get("bozo_exception"))
        self.assertEqual(len(d.entries), 50)
        self.assertEqual(d.entries[0].title, "乙 最新")
        times = [e.published_parsed for e in d.entries]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertEqual({e.author for e in d.entries}, {"甲", "乙"})

    def test_feeds_validate_against_the_atom_schema(self):
        for name in ("甲", "乙", "all"):
            r = subprocess.run(["xmllint", "--noout", "--relaxng", ARGS.schema, self.feed(name)],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_archived_scripts_do_not_reach_the_feed(self):
        root = ET.parse(self.feed("乙")).getroot()
        titles = [e.find(ATOM + "title").text for e in root.iter(ATOM + "entry")]
        entry = [e for e in root.iter(ATOM + "entry") if "引号" in e.find(ATOM + "title").text]
        self.assertTrue(entry, titles)
        entry = entry[0]
        # The title as archived, escaped and read back intact.
        link = [l.get("href") for l in entry.iter(ATOM + "link") if l.get("rel") == "alternate"][0]
        with open(self.mirror_file(link), encoding="utf-8") as f:
            written = f.read().split("\n")[1][1:].rsplit("](", 1)[0]
        # The article's second line escapes the title for Markdown (a backslash
        # before \ [ ] < > * _ ~ ` and a reference-like &): undone, it is the title.
        archived_title = re.sub(r"\\([\\\[\]<>*_~`&])", r"\1", written)
        self.assertIn("\\<", written)
        self.assertIn("&", archived_title)
        self.assertEqual(entry.find(ATOM + "title").text, archived_title)
        html = entry.find(ATOM + "content").text
        self.assertIn("乙正文", html)
        for bad in ("<script", "alert(1)", "onerror", "javascript:"):
            self.assertNotIn(bad, html)
        self.assertIn('src="https://img.example/x.jpg"', html)

    def test_a_run_without_news_rewrites_no_feed(self):
        before = {n: os.stat(self.feed(n)).st_mtime_ns for n in ("甲", "乙", "all")}
        r = subprocess.run([ARGS.binary, "run", "--json", "--config", self.config, "--out", self.mirror],
                           check=True, capture_output=True, text=True)
        self.assertEqual(json.loads(r.stdout)["written"], [])
        self.assertEqual(before, {n: os.stat(self.feed(n)).st_mtime_ns for n in ("甲", "乙", "all")})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--schema", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
