#!/usr/bin/python3
"""Search on a large synthetic mirror: index build speed and query latency,
side by side with SQLite's own trigram tokenizer and with grep over the files.

  cmake --build build --target newsmirror newsmirror_search_bench
  bench/search_bench.py --articles 100000 --work /tmp/nm-bench

Steps: generate feeds (gen_archive.py), archive them with `newsmirror run`,
build the index with the first `newsmirror search` (timed), measure queries
with newsmirror_search_bench; then build an FTS5 trigram table over the same
plain text (Python's sqlite3 on Debian's libsqlite3) and time the same
queries there (LIKE for 2-character queries, which trigrams cannot match),
and time `grep -rlF` over articles/. Prints a Markdown table.
"""
import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import time

QUERIES = ["美国", "岸田", "同盟关系", "岸田文雄", "安全和防卫战略", "美国 TSMC", "iPhone"]
HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, **kw):
    t = time.monotonic()
    r = subprocess.run(cmd, **kw)
    return time.monotonic() - t, r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--articles", type=int, default=100000)
    p.add_argument("--work", default="/tmp/nm-bench")
    p.add_argument("--build", default=os.path.join(HERE, "../build"))
    a = p.parse_args()
    nm = os.path.join(a.build, "newsmirror")
    bench = os.path.join(a.build, "newsmirror_search_bench")
    mirror = os.path.join(a.work, "mirror")
    if not os.path.exists(os.path.join(mirror, "state")):
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_archive.py"), "--articles", str(a.articles),
                        "--out", a.work], check=True)
        secs, _ = timed([nm, "run", "-q", "--config", os.path.join(a.work, "newsmirror.toml"), "--out", mirror],
                        check=True)
        print("newsmirror run (archive %d articles from file: feeds): %.1f s" % (a.articles, secs))
    index = os.path.join(mirror, ".newsmirror/search.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.remove(index + suffix)
    secs, _ = timed([nm, "search", "--archive", mirror, "--limit", "1", "岸田"], check=True, capture_output=True)
    size = sum(os.path.getsize(index + s) for s in ("", "-wal") if os.path.exists(index + s))
    print("index build (first `newsmirror search`): %.1f s, %.0f articles/s, %.0f MB" %
          (secs, a.articles / secs, size / 1e6))
    secs, _ = timed([nm, "search", "--archive", mirror, "--limit", "1", "岸田"], check=True, capture_output=True)
    print("`newsmirror search` on an up-to-date index, whole process: %.2f s" % secs)
    out = subprocess.run([bench, mirror] + QUERIES, check=True, capture_output=True, text=True).stdout
    print(out)
    ours = {}
    for line in out.splitlines()[1:]:
        q, hits, med, p90 = line.split("\t")
        ours[q] = (hits, med.split()[1])

    # SQLite's trigram tokenizer over the same plain text.
    db = sqlite3.connect(index)
    tri_path = os.path.join(a.work, "trigram.sqlite")
    if os.path.exists(tri_path):
        os.remove(tri_path)
    tri = sqlite3.connect(tri_path)
    tri.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='trigram')")
    t0 = time.monotonic()
    rows = db.execute("SELECT rowid, title, body FROM docs")
    tri.executemany("INSERT INTO t(rowid, title, body) VALUES(?, ?, ?)", rows)
    tri.commit()
    tri_build = time.monotonic() - t0
    print("FTS5 trigram build over the same text: %.1f s, %.0f MB" % (tri_build, os.path.getsize(tri_path) / 1e6))

    def tri_query(q):
        terms = q.split()
        if all(len(t) >= 3 for t in terms):
            sql = "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 20"
            return tri.execute(sql, (" AND ".join('"%s"' % t for t in terms),)).fetchall()
        where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in terms)
        args = [x for t in terms for x in ("%" + t + "%", "%" + t + "%")]
        return tri.execute("SELECT rowid FROM t WHERE " + where + " LIMIT 20", args).fetchall()

    print("| query | newsmirror (bigram FTS5, bm25) | hits | FTS5 trigram (LIKE under 3 chars) | hits | grep -rlF (first term) |")
    print("|---|---|---|---|---|---|")
    for q in QUERIES:
        times = []
        for _ in range(5):
            t = time.monotonic()
            hits = tri_query(q)
            times.append((time.monotonic() - t) * 1000)
        g, _ = timed(["grep", "-rlF", q.split()[0], os.path.join(mirror, "articles")], capture_output=True)
        print("| %s | %s ms | %s | %.2f ms | %d | %.0f ms |" %
              (q, ours[q][1], ours[q][0].split()[0], statistics.median(times), len(hits), g * 1000))


if __name__ == "__main__":
    main()
