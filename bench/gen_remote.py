#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a mirror's history, grown hour by hour.

The mirror has the 50 outlets of bench/run_bench.sh and bench/gen_mirror.py
("outlet-000" .. "outlet-049") and --articles articles in --commits hourly
commits. Each commit adds the next articles (round robin over the outlets)
and rewrites what a newsmirror run rewrites for the outlets it touched: the
newest state chunk, state/{outlet}/feed.tsv (its "@chunks" summary),
lists/{outlet}.md (the newest 300), the month's page; README.md and
.gitignore come with the first commit. Articles are the mirror's five-line
files with news-shaped HTML bodies (a pool of --pool bodies made by
../shared/tools/gen_feeds.py's generator, each article opening with a
paragraph of its own) and Chinese titles, ids counting down from 1048574 in
each outlet; state records carry their files' git blob ids, so newsmirror
reads the result as a mirror of its own. Publication times are hourly, ending
at --end (before the items of gen_feeds' feeds, which newsmirror then archives
on top: bench/hourly_job.sh). The same arguments give the same stream.

Usage: gen_remote.py --articles N --commits C [--end 2025-11-01] | git fast-import
"""

import argparse
import calendar
import hashlib
import os
import random
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # nothing is written beside the shared generator
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools"))
import gen_feeds  # noqa: E402  (the shared generator of news-shaped text)

OUTLETS = ["outlet-%03d" % i for i in range(50)]
FIRST_ID = 1048574
CHUNK = 100
LIST_SIZE = 300
UTC8 = 8 * 3600
UNSAFE = str.maketrans("", "", '/\\:*?"<>|[]')


def blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def month_day(ms):
    g = time.gmtime(ms // 1000 + UTC8)
    return "%d-%d" % (g.tm_mon, g.tm_mday)


def year_month(ms):
    g = time.gmtime(ms // 1000 + UTC8)
    return "%04d-%02d" % (g.tm_year, g.tm_mon)


class Outlet:
    """What the history holds of one outlet, as far as later commits need it."""

    def __init__(self, name):
        self.name = name
        self.next_id = FIRST_ID
        self.chunks = {}            # chunk -> its records, descending id (only chunks still growing)
        self.dirty = set()          # chunks the current commit changed
        self.summary = {}           # chunk -> (bytes, newest ms)
        self.list_items = []        # newest first, at most LIST_SIZE
        self.months = []            # newest first
        self.month_items = {}       # month -> items, oldest first (only the current month is kept)
        self.folder = "/articles/" + urllib.parse.quote(name, safe="")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--commits", type=int, required=True)
    ap.add_argument("--end", default="2025-11-01", help="UTC date after the last article (YYYY-MM-DD)")
    ap.add_argument("--pool", type=int, default=2000, help="distinct article bodies")
    a = ap.parse_args()
    out = sys.stdout.buffer
    rng = random.Random(11)
    pool = [gen_feeds.html_body(rng, "img.example.org", "news.example.org", "20250101")
            for _ in range(a.pool)]
    end = calendar.timegm(tuple(int(x) for x in a.end.split("-")) + (0, 0, 0))
    first_commit = end - a.commits * 3600
    outlets = [Outlet(n) for n in OUTLETS]

    def put(path, data):
        out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
        out.write(data)
        out.write(b"\n")

    for c in range(a.commits):
        lo, hi = a.articles * c // a.commits, a.articles * (c + 1) // a.commits
        hour = first_commit + c * 3600
        msg = b"Archive %d new articles\n" % (hi - lo)
        out.write(b"commit refs/heads/main\ncommitter bench <bench@localhost> %d +0000\ndata %d\n%s"
                  % (hour + 3599, len(msg), msg))
        if c == 0:
            put(".gitignore", b"# newsmirror's lock, journal and caches\n.newsmirror/\n")
            put("README.md", ("# newsmirror\n\n" + "".join(
                "[%s](/lists/%s.md)\n\n" % (o, o) for o in OUTLETS)).rstrip("\n").encode() + b"\n")
        touched = []
        for j in range(lo, hi):
            o = outlets[j % len(outlets)]
            if o not in touched:
                touched.append(o)
            aid = o.next_id
            o.next_id -= 1
            ms = (hour + (j - lo) * 3600 // max(1, hi - lo)) * 1000
            # Without the characters a file name or a Markdown link text would have to change.
            title = gen_feeds.title_text(rng).translate(UNSAFE).strip()
            link = "https://%s.example.org/archive/%d.html" % (o.name, aid)
            body = "<p>%s（第%d号）</p>%s" % (title, aid, pool[rng.randrange(len(pool))])
            data = ("<!--%d-->\n[%s](%s)\n------\n\n%s\n" % (ms, title, link, body)).encode()
            name = "%d_%s.md" % (aid, title)
            put("articles/%s/%s" % (o.name, name), data)
            chunk = aid // CHUNK
            o.dirty.add(chunk)
            o.chunks.setdefault(chunk, []).append("%d\t%d\t%s\t%s\tbulk-%s-%d\t%s\t%s\n"
                                 % (aid, ms, blob_id(data), name, o.name, aid, link, title))
            item = "%s [%s](%s/%s)\n\n" % (month_day(ms), title, o.folder, urllib.parse.quote(name, safe=""))
            o.list_items.insert(0, item)
            del o.list_items[LIST_SIZE:]
            month = year_month(ms)
            if not o.months or o.months[0] != month:
                o.months.insert(0, month)
                o.month_items = {month: []}
            o.month_items[month].append(item)
            o.summary[chunk] = (None, ms)
        for o in touched:
            for chunk in sorted(o.dirty):
                text = ("# newsmirror state v2: id\tpublished_ms\tblob\tfile\tguid\tlink\ttitle\n"
                        + "".join(o.chunks[chunk])).encode()
                put("state/%s/%d.tsv" % (o.name, chunk), text)
                o.summary[chunk] = (len(text), o.summary[chunk][1])
            # Ids only go down: a chunk below the newest one never changes again.
            newest = min(o.chunks)
            o.chunks = {newest: o.chunks[newest]}
            o.dirty = set()
            put("state/%s/feed.tsv" % o.name, ("# newsmirror state v2: feed validators (@key\tvalue)\n@chunks\t"
                                               + ",".join("%d:%d:%d" % (k, b, n) for k, (b, n) in sorted(o.summary.items()))
                                               + "\n").encode())
            months = " · ".join("[%s](/lists/%s/%s.md)" % (m, o.name, m) for m in o.months)
            put("lists/%s.md" % o.name, ("%s\n------\n\n%s按月：%s\n\n[查看更多](/articles/%s)\n"
                                         % (o.name, "".join(o.list_items), months, o.name)).encode())
            month = o.months[0]
            put("lists/%s/%s.md" % (o.name, month), ("%s %s\n------\n\n%s" % (
                o.name, month, "".join(reversed(o.month_items[month])))).encode())
    out.write(b"done\n")


if __name__ == "__main__":
    main()
