#!/usr/bin/env python3
"""Builds a mirror that already holds N articles, by running newsmirror itself.

The mirror holds 50 outlets ("outlet-000" .. "outlet-049") of N/50 articles
each: the items of ../shared/tools/gen_feeds.py's feeds (seed 1) from the
third newest on. gen_feeds draws a source's items newest first from one
random stream, so its default 50 x 200 corpus is the newest 200 of the same
items: served next to this mirror, 2 items per feed (1% of 10,000 entries)
are new and the other 198 are already archived.

Usage: gen_mirror.py --articles N --out DIR [--newsmirror build/newsmirror]
The mirror is committed (git) and written in batches of 10 outlets, so the
feeds never have to sit in memory all at once.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GEN_FEEDS = os.path.join(HERE, "..", "..", "shared", "tools", "gen_feeds.py")
SOURCES = 50
NEW_PER_FEED = 2

ITEM = re.compile(rb"<(item|entry)>.*?</\1>\s*", re.S)


def drop_newest(data, n):
    """The feed without its first n items (the newest)."""
    for _ in range(n):
        m = ITEM.search(data)
        if not m:
            break
        data = data[:m.start()] + data[m.end():]
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--newsmirror", default=os.path.join(HERE, "..", "build", "newsmirror"))
    a = ap.parse_args()
    per = a.articles // SOURCES
    work = a.out + ".feeds"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(a.out, ignore_errors=True)
    subprocess.run([sys.executable, GEN_FEEDS, "--items", str(per + NEW_PER_FEED), "--out", work + "/long"],
                   check=True)
    os.makedirs(work + "/history")
    names = sorted(os.listdir(work + "/long"))
    config = ""
    for i, name in enumerate(names):
        with open(os.path.join(work, "long", name), "rb") as f:
            data = drop_newest(f.read(), NEW_PER_FEED)
        path = os.path.abspath(os.path.join(work, "history", name))
        with open(path, "wb") as f:
            f.write(data)
        config += '[[source]]\nname = "outlet-%03d"\nurl = "file:%s"\n' % (i, path)
    shutil.rmtree(work + "/long")
    cfg = os.path.join(work, "history.toml")
    with open(cfg, "w") as f:
        f.write(config)
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
    for start in range(0, len(names), 10):
        args = [a.newsmirror, "run", "-q", "--config", cfg, "--out", a.out, "--commit"]
        for i in range(start, min(start + 10, len(names))):
            args += ["-s", "outlet-%03d" % i]
        subprocess.run(args, check=True, env=env)
    shutil.rmtree(work)
    count = sum(len(files) for _, _, files in os.walk(os.path.join(a.out, "articles")))
    print("mirror %s holds %d articles" % (a.out, count), file=sys.stderr)
    return 0 if count == per * len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
