#!/usr/bin/env python3
"""Bytes a reader downloads to search a static site's titles (docs/BENCHMARKS.md).

Replays what assets/search.js does for each query against a site built by
`newsmirror site`: search/meta.json, the shards of the query's grams, then the
title files of the candidates, newest first (by the day meta.json gives each),
until 200 matches are in and no unread file can hold a newer one. Prints, per query, the files
and bytes fetched and the matches, beside the size of one index holding every
title (the [title, outlet, day, page] list the site used before search/ was split).

  bench/site_search_bytes.py SITE_DIR [QUERY...]
"""
import json, os, re, sys

site = sys.argv[1]
queries = sys.argv[2:] or ["岸田", "经济", "上海 会议", "人工智能", "美", "gdp"]
root = os.path.join(site, "search")


def load(path):
    with open(os.path.join(root, path), "rb") as f:
        data = f.read()
    return json.loads(data), len(data)


def lower(s):
    return re.sub(r"[A-Z]", lambda m: m.group(0).lower(), s)


def fnv(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


meta, meta_bytes = load("meta.json")
# The single index: every title with its outlet, day and page.
everything = []
for name in sorted(os.listdir(os.path.join(root, "a"))):
    o = int(name.split("-")[0])
    chunk, _ = load("a/" + name)
    for id_, (title, day) in chunk.items():
        everything.append([title, meta["outlets"][o][0], day, "outlets/%s/%s.html" % (meta["outlets"][o][1], id_)])
single = len(json.dumps(everything, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
print("articles: %d; one index of every title: %d bytes" % (len(everything), single))
print("| query | files fetched | bytes fetched | vs one index | matches |")
print("|---|---|---|---|---|")
for q in queries:
    terms = [t for t in lower(q).split() if t]
    grams = []
    for t in terms:
        cs = list(t)
        if len(cs) == 1:
            grams.append(cs[0])
        grams += [cs[i] + cs[i + 1] for i in range(len(cs) - 1)]
    grams = list(dict.fromkeys(grams))
    files, total = 1, meta_bytes
    shards = {}
    for g in grams:
        k = fnv(g) % meta["shards"]
        if k not in shards:
            shards[k], n = load("t/%d.json" % k)
            files, total = files + 1, total + n
    found = None
    for g in grams:
        has = set()
        for lst in shards[fnv(g) % meta["shards"]].get(g, []):
            at = lst[1]
            has.add((lst[0], at))
            for d in lst[2:]:
                at += d
                has.add((lst[0], at))
        found = has if found is None else found & has
    by_chunk = {}
    for o, id_ in found:
        by_chunk.setdefault("%d-%d" % (o, id_ // meta["chunk"]), []).append(id_)
    def newest(c):
        o, i = map(int, c.split("-"))
        days = meta["newest"][o]
        k = 1 + i - days[0]
        return days[k] if 0 < k < len(days) else ""
    order = sorted(by_chunk, key=newest, reverse=True)
    days, nxt = [], 0
    while nxt < len(order):
        if len(days) >= 200:
            days.sort(reverse=True)
            if newest(order[nxt]) < days[199]:
                break
        for c in order[nxt:nxt + 4]:
            titles, n = load("a/%s.json" % c)
            files, total = files + 1, total + n
            for id_ in by_chunk[c]:
                title, day = titles[str(id_)]
                if all(t in lower(title) for t in terms):
                    days.append(day)
        nxt += 4
    print("| %s | %d | %d | %.3f | %d%s |" % (q, files, total, total / single, len(days),
                                               "" if nxt >= len(order) else " (newest 200 sure)"))
