#!/usr/bin/env python3
"""Simulated hourly runs of newsmirror at the shipped outlets' volume, for
bench/growth_model.sh: how many bytes a mirror's history grows by.

Every simulated hour: new articles for the seven outlets of
config/newsmirror.toml (PER_DAY a day in all, Poisson per outlet and hour,
shared by the outlets' weights below), each with the text of a news page of
../shared/corpora/extraction (its ground-truth article body, as paragraphs)
and 1 or 2 photographs (noisy JPEGs of 100-400 KB, made by
newsmirror_image_gen, each different); every outlet's feed (RSS 2.0, its
newest 30 items) rewritten; then for each images mode one real
`newsmirror run --commit` (NEWSMIRROR_NOW set to the simulated hour) into the
mode's own mirror. The feeds and images are served by a loopback HTTP server
(each outlet's images on its feed's origin).

At each checkpoint (a number of days) each mirror is measured: a bare clone
(git clone --no-local), `git gc` and `git gc --aggressive` on it, and
`git count-objects -v`'s size-pack after each; the work tree's bytes; the
files, and the most files in one folder. Rows go to WORK/growth.tsv, and a
Markdown table with the bytes per year (the slope over the checkpoints times
365) to standard output.
"""

import argparse
import email.utils
import functools
import html
import http.server
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

# Share of the day's articles per outlet, in the order of config/newsmirror.toml.
WEIGHTS = [80, 60, 40, 50, 40, 50, 30]
FEED_ITEMS = 30
T0 = 1767225600  # 2026-01-01T00:00:00Z

MODES = {
    "proxy": 'images = "proxy"\n',
    "local": 'images = "local"\n',
    "original": 'images = "local"\nkeep_original_images = true\n',
}


def outlets(config):
    names = re.findall(r'^name = "([^"]+)"', open(config, encoding="utf-8").read(), re.M)
    if len(names) != len(WEIGHTS):
        sys.exit(f"growth_model: {config} names {len(names)} outlets, the weights are for {len(WEIGHTS)}")
    return names


def poisson(rng, lam):
    # Knuth's method: lam is small (a few an hour).
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(Quiet, directory=root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss(items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>'
           '<link>http://news.example/</link><description>d</description>']
    for it in items:
        out.append("<item><guid>%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate>"
                   "<description>%s</description></item>" % (
                       it["link"], html.escape(it["title"]), it["link"],
                       email.utils.formatdate(it["published"], usegmt=True), html.escape(it["content"])))
    out.append("</channel></rss>\n")
    return "".join(out)


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def size_pack(repo):
    for line in git("count-objects", "-v", cwd=repo).splitlines():
        if line.startswith("size-pack:"):
            return int(line.split()[1]) * 1024
    return 0


def measure(mirror, scratch):
    shutil.rmtree(scratch, ignore_errors=True)
    git("clone", "-q", "--bare", "--no-local", mirror, scratch)
    git("gc", "-q", "--prune=now", cwd=scratch)
    gc = size_pack(scratch)
    t = time.time()
    git("gc", "-q", "--aggressive", "--prune=now", cwd=scratch)
    aggressive, aggressive_s = size_pack(scratch), time.time() - t
    shutil.rmtree(scratch)
    tree = files = 0
    per_folder = {}
    for folder, dirs, names in os.walk(mirror):
        if ".git" in dirs:
            dirs.remove(".git")
        rel = os.path.relpath(folder, mirror)
        per_folder[rel] = len(names)
        for n in names:
            tree += os.path.getsize(os.path.join(folder, n))
        files += len(names)
    top = max(per_folder.items(), key=lambda kv: kv[1])
    commits = int(git("rev-list", "--count", "HEAD", cwd=mirror))
    assets = sum(v for k, v in per_folder.items() if k.startswith("assets"))
    return dict(gc=gc, aggressive=aggressive, aggressive_s=round(aggressive_s, 1), tree=tree, files=files,
                assets=assets, commits=commits, top_folder=top[0], top_files=top[1])


def slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return ys[-1] / xs[-1]
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def mb(b):
    return "%.1f MB" % (b / 1e6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--checkpoints", default="2,4,7")
    ap.add_argument("--modes", default="proxy,local,original")
    ap.add_argument("--per-day", type=float, default=350)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    checkpoints = sorted(int(x) for x in a.checkpoints.split(","))
    modes = a.modes.split(",")
    names = outlets(a.config)
    bodies = [v["articleBody"] for v in json.load(open(a.corpus, encoding="utf-8")).values() if v.get("articleBody")]
    rng = random.Random(a.seed)

    shutil.rmtree(a.work, ignore_errors=True)
    serve_root = os.path.join(a.work, "serve")
    os.makedirs(os.path.join(serve_root, "feeds"))
    os.makedirs(os.path.join(serve_root, "img"))
    server = serve(serve_root)
    base = "http://127.0.0.1:%d" % server.server_address[1]
    for mode in modes:
        with open(os.path.join(a.work, mode + ".toml"), "w", encoding="utf-8") as f:
            f.write("[archive]\n" + MODES[mode] + "[fetch]\nretries = 0\npage_spacing_ms = 0\n")
            for i, name in enumerate(names):
                f.write('[[source]]\nname = "%s"\nurl = "%s/feeds/%d.xml"\n' % (name, base, i))
    env = dict(os.environ, GIT_AUTHOR_NAME="growth", GIT_AUTHOR_EMAIL="growth@localhost",
               GIT_COMMITTER_NAME="growth", GIT_COMMITTER_EMAIL="growth@localhost")

    feeds = [[] for _ in names]
    served_images = []  # (hour, path)
    image_bytes = []
    next_id = 1
    rows = []
    run_seconds = {m: 0.0 for m in modes}
    tsv = open(os.path.join(a.work, "growth.tsv"), "w")
    tsv.write("mode\tdays\tarticles\timages\tcommits\tsize_pack_gc\tsize_pack_aggressive\twork_tree\tfiles\t"
              "asset_files\ttop_folder\ttop_folder_files\n")
    articles = images = 0
    for hour in range(checkpoints[-1] * 24):
        now = T0 + hour * 3600
        gen = []
        for o in range(len(names)):
            for _ in range(poisson(rng, a.per_day * WEIGHTS[o] / sum(WEIGHTS) / 24)):
                aid = next_id
                next_id += 1
                body = rng.choice(bodies)
                paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
                content = ""
                for k in range(1 if rng.random() < 0.6 else 2):
                    name = "%d-%d.jpg" % (aid, k)
                    width = rng.randrange(1000, 2001)
                    height = width * 2 // 3
                    # Bytes per pixel of newsmirror_image_gen's JPEGs, measured: about
                    # 0.035 + 0.0095 x sigma. Aim at 100-400 KB.
                    target = rng.uniform(100e3, 400e3)
                    sigma = max(1.0, (target / (width * height) - 0.035) / 0.0095)
                    gen.append("%s %d %d %d %.2f" % (name, width, height, aid * 2 + k, sigma))
                    content += '<figure><img src="%s/img/%s" alt=""></figure>' % (base, name)
                    served_images.append((hour, name))
                    images += 1
                content += "".join("<p>%s</p>" % html.escape(p) for p in paragraphs)
                title = re.sub(r"\s+", " ", paragraphs[0] if paragraphs else "news")[:60] + " (%d)" % aid
                feeds[o].insert(0, dict(link="http://news.example/%d/%d.html" % (o, aid), title=title,
                                        published=now - rng.randrange(0, 3600), content=content))
                articles += 1
            del feeds[o][FEED_ITEMS:]
            with open(os.path.join(serve_root, "feeds", "%d.xml" % o), "w", encoding="utf-8") as f:
                f.write(rss(feeds[o]))
        if gen:
            subprocess.run([a.gen, os.path.join(serve_root, "img")], input="\n".join(gen) + "\n", text=True,
                           check=True)
            for line in gen:
                image_bytes.append(os.path.getsize(os.path.join(serve_root, "img", line.split()[0])))
        for mode in modes:
            t = time.time()
            r = subprocess.run([a.bin, "run", "-q", "--commit", "--config", os.path.join(a.work, mode + ".toml"),
                                "--out", os.path.join(a.work, "mirror-" + mode)],
                               env=dict(env, NEWSMIRROR_NOW=str(now)), capture_output=True, text=True)
            run_seconds[mode] += time.time() - t
            if r.returncode != 0:
                sys.exit("growth_model: hour %d, %s: newsmirror exited %d\n%s" % (hour, mode, r.returncode, r.stderr))
        # Items leave the feeds within hours; their images are not asked for again.
        while served_images and served_images[0][0] < hour - 48:
            os.remove(os.path.join(serve_root, "img", served_images.pop(0)[1]))
        if (hour + 1) % 24 == 0 and (hour + 1) // 24 in checkpoints:
            days = (hour + 1) // 24
            for mode in modes:
                m = measure(os.path.join(a.work, "mirror-" + mode), os.path.join(a.work, "scratch.git"))
                m.update(mode=mode, days=days, articles=articles, images=images)
                rows.append(m)
                tsv.write("\t".join(str(m[k]) for k in ("mode", "days", "articles", "images", "commits", "gc",
                                                         "aggressive", "tree", "files", "assets", "top_folder",
                                                         "top_files")) + "\n")
                tsv.flush()
                print("growth_model: day %d %s: %s" % (days, mode, json.dumps(m, ensure_ascii=False)), file=sys.stderr)
    server.shutdown()

    print("Simulated: %d days, %d hourly runs per mode, %d articles (%.0f a day), %d images "
          "(JPEG %d-%d KB, mean %d KB)" % (checkpoints[-1], checkpoints[-1] * 24, articles,
                                           articles / checkpoints[-1], images, min(image_bytes) // 1024,
                                           max(image_bytes) // 1024, sum(image_bytes) / len(image_bytes) / 1024))
    print("Run time (all runs of a mode): " + ", ".join("%s %.0f s" % (m, s) for m, s in run_seconds.items()))
    print()
    print("| images mode | days | commits | pack after `git gc` | after `git gc --aggressive` | work tree | files "
          "| per year: pack (gc) | per year: pack (aggressive) | per year: work tree |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode]
        xs = [r["days"] for r in mine]
        per_year = {k: slope(xs, [r[k] for r in mine]) * 365 for k in ("gc", "aggressive", "tree")}
        for r in mine:
            last = r is mine[-1]
            print("| %s | %d | %d | %s | %s | %s | %d | %s | %s | %s |" % (
                mode, r["days"], r["commits"], mb(r["gc"]), mb(r["aggressive"]), mb(r["tree"]), r["files"],
                mb(per_year["gc"]) if last else "", mb(per_year["aggressive"]) if last else "",
                mb(per_year["tree"]) if last else ""))
    print()
    print("Most files in one folder at the last checkpoint: " + ", ".join(
        "%s %s (%d)" % (r["mode"], r["top_folder"], r["top_files"]) for r in rows if r["days"] == checkpoints[-1]))


if __name__ == "__main__":
    main()
