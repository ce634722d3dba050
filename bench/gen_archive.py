#!/usr/bin/python3
"""Generates a large synthetic mirror for benchmarks: RSS feeds of N articles
spread over 7 outlets and ~3 years, written as files that `newsmirror run`
archives through the normal pipeline (file: sources).

Text is random Chinese sentences built from the words of the seed article
(so bigram statistics look like news), with a few Latin words and numbers.
Deterministic for a given --seed.

  bench/gen_archive.py --articles 100000 --out /tmp/nm-bench
  build/newsmirror run --config /tmp/nm-bench/newsmirror.toml --out /tmp/nm-bench/mirror
"""
import argparse
import email.utils
import os
import random
import re

OUTLETS = ["美国之音", "BBC中文", "德国之声", "法广", "纽约时报中文网", "自由亚洲电台", "中国数字时代"]
LATIN = ["G7", "TSMC", "iPhone", "NATO", "COVID-19", "AI", "Biden", "Apple", "WHO", "GDP"]


def words_from(text):
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    words = []
    for run in runs:
        i = 0
        while i < len(run):
            n = min(len(run) - i, random.choice((2, 2, 2, 3, 4)))
            words.append(run[i:i + n])
            i += n
    return words


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--articles", type=int, default=100000)
    p.add_argument("--chars", type=int, default=1200, help="approximate body length in characters")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../shared"))
    a = p.parse_args()
    random.seed(a.seed)
    with open(os.path.join(a.shared, "seed/000_aaf80997af946b83.txt"), encoding="utf-8") as f:
        vocab = words_from(f.read())
    os.makedirs(a.out, exist_ok=True)
    start = 1600000000  # 2020-09-13
    per_outlet = [[] for _ in OUTLETS]
    for i in range(a.articles):
        per_outlet[i % len(OUTLETS)].append(i)
    for k, outlet in enumerate(OUTLETS):
        path = os.path.join(a.out, "feed%d.xml" % k)
        with open(path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>%s</title>\n' % outlet)
            for i in per_outlet[k]:
                when = start + i * 900 + random.randint(0, 800)
                title = "".join(random.choice(vocab) for _ in range(random.randint(5, 9)))
                paras, n = [], 0
                while n < a.chars:
                    sent = "".join(random.choice(vocab) for _ in range(random.randint(6, 14)))
                    if random.random() < 0.15:
                        sent += random.choice(LATIN)
                    sent += "。"
                    paras.append(sent)
                    n += len(sent)
                body = "".join("<p>%s</p>" % "".join(paras[j:j + 4]) for j in range(0, len(paras), 4))
                f.write("<item><title>%s</title><link>https://news.example/%d/%d.html</link><guid>g%d</guid>"
                        "<pubDate>%s</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>\n"
                        % (title, k, i, i, email.utils.formatdate(when, usegmt=True), body))
            f.write("</channel></rss>\n")
    with open(os.path.join(a.out, "newsmirror.toml"), "w", encoding="utf-8") as f:
        f.write('[archive]\nimage_proxy = ""\n[fetch]\nmax_size_mb = 1024\n')
        for k, outlet in enumerate(OUTLETS):
            f.write('[[source]]\nname = "%s"\nurl = "file:feed%d.xml"\n' % (outlet, k))


if __name__ == "__main__":
    main()
