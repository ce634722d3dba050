#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a mirror repository of N articles.

The repository has the mirror's layout (README.md, lists/{outlet}.md and
lists/{outlet}/{YYYY-MM}.md, articles/{outlet}/{id}_{title}.md, feeds/,
state/{outlet}/feed.tsv and state/{outlet}/{chunk}.tsv of 100 records each),
with OUTLETS outlets of N/OUTLETS articles each, grown over COMMITS commits
(each adds the next slice of every outlet's articles and rewrites the lists
and feeds; the state chunks come with the last commit). Titles are Chinese
news words, so file names are as long as a real mirror's. Everything follows
from the arguments: the same arguments give the same repository.

With --keep-articles K the last commit is also a rollover's (newsmirror
rollover): every outlet keeps the files of its newest K articles only, the
others are removed from articles/, and their state records stay, marked with
an archive year (the eighth column).

Usage: gen_git_mirror.py --articles N [--outlets 7] [--commits 10] [--keep-articles K] | git fast-import
"""

import argparse
import random
import sys

WORDS = ("中国 国家 政府 经济 发展 社会 市场 企业 公司 技术 科技 创新 人工智能 互联网 平台 数据 "
         "用户 服务 产业 行业 项目 投资 消费 就业 收入 价格 政策 改革 开放 合作 交流 会议 论坛 "
         "峰会 代表 委员 专家 学者 记者 报道 表示 指出 认为 介绍 透露 强调 宣布 发布 公布 显示 "
         "北京 上海 广州 深圳 美国 欧洲 日本 韩国 台湾 香港 选举 法院 警方 抗议 人权 新闻 自由").split()
FIRST_ID = 1048574
CHUNK = 100


def title(rng):
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--outlets", type=int, default=7)
    ap.add_argument("--commits", type=int, default=10)
    ap.add_argument("--keep-articles", type=int, default=0, help="articles per outlet left after a rollover (0: none happened)")
    a = ap.parse_args()
    out = sys.stdout.buffer
    rng = random.Random(1)
    per = a.articles // a.outlets
    outlets = ["outlet-%02d" % i for i in range(a.outlets)]
    records = {o: [] for o in outlets}  # (id, ms, name, link, title)
    t0 = 1262304000000  # 2010-01-01, one article every 20 minutes per outlet
    when = 1262304000

    def blob(path, data):
        out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
        out.write(data)
        out.write(b"\n")

    for c in range(a.commits):
        lo, hi = per * c // a.commits, per * (c + 1) // a.commits
        msg = b"Archive %d new articles\n" % ((hi - lo) * a.outlets)
        when += 3600
        out.write(b"commit refs/heads/main\ncommitter bench <bench@localhost> %d +0000\n" % when)
        out.write(b"data %d\n%s" % (len(msg), msg))
        if c == 0:
            out.write(b"deleteall\n")
        for o in outlets:
            for k in range(lo, hi):
                i = FIRST_ID - k
                ms = t0 + k * 1200000
                t = title(rng)
                name = "%d_%s.md" % (i, t)
                link = "https://news.example/%s/%d" % (o, i)
                records[o].append((i, ms, name, link, t))
                body = "".join("<p>%s。</p>" % title(rng) for _ in range(3))
                text = "<!--%d-->\n[%s](%s)\n------\n\n%s\n" % (ms, t, link, body)
                blob("articles/%s/%s" % (o, name), text.encode())
            newest = records[o][-300:][::-1]
            blob("lists/%s.md" % o, ("%s\n------\n\n" % o + "\n\n".join(
                "[%s](/articles/%s/%s)" % (r[4], o, r[2]) for r in newest) + "\n").encode())
            months = {}
            for r in records[o][lo:hi]:
                months.setdefault(r[1] // (86400000 * 30), []).append(r)
            for m, rs in months.items():
                blob("lists/%s/m%05d.md" % (o, m), "\n\n".join(
                    "[%s](/articles/%s/%s)" % (r[4], o, r[2]) for r in rs).encode())
            blob("feeds/%s.xml" % o, ("<feed>%s</feed>\n" % "".join(
                "<entry>%s%s</entry>" % (r[4], r[3]) for r in newest[:50])).encode())
        blob("feeds/all.xml", b"<feed>%d</feed>\n" % c)
        blob("README.md", ("# mirror\n\n" + "\n".join("- [%s](lists/%s.md)" % (o, o) for o in outlets) +
                           "\n").encode())
        if c == a.commits - 1:
            for o in outlets:
                chunks = {}
                for r in records[o]:
                    chunks.setdefault(r[0] // CHUNK, []).append(r)
                moved = set()
                if a.keep_articles > 0:
                    moved = {r[0] for r in records[o][:-a.keep_articles]}
                    for r in records[o][:-a.keep_articles]:
                        out.write(b"D articles/%s/%s\n" % (o.encode(), r[2].encode()))
                for ch, rs in chunks.items():
                    blob("state/%s/%d.tsv" % (o, ch), "".join(
                        "%d\t%d\t%040x\t%s\tguid-%d\t%s\t%s%s\n" % (r[0], r[1], r[0], r[2], r[0], r[3], r[4],
                                                                  "\t2020" if r[0] in moved else "")
                        for r in rs).encode())
                blob("state/%s/feed.tsv" % o, b"@chunks\n")
        out.write(b"\n")
    out.write(b"done\n")


if __name__ == "__main__":
    main()
