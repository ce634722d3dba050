#!/usr/bin/python3
"""Python's feedparser behind newsmirror's parser commands, for scoring it the same way.

  feedparser_adapter.py parse --json SOURCE   prints the neutral shape of ../shared/corpora/feedparser/README.md
  feedparser_adapter.py parse-date            one date per line on stdin -> Unix ms or null
  feedparser_adapter.py parse --bench N FILE...   parses the files N times from memory -> {"bytes","entries","seconds"}

Uses the Debian package python3-feedparser (bench/setup.sh), hence /usr/bin/python3.
"""
import calendar, json, sys, time

import feedparser
from feedparser.datetimes import _parse_date


def ms(t):
    return None if t is None else calendar.timegm(t) * 1000


def common(obj):
    detail = obj.get("author_detail") or {}
    out = {
        "title": obj.get("title"),
        "link": obj.get("link"),
        "id": obj.get("id"),
        "author": obj.get("author"),
        "author_name": detail.get("name"),
        "author_email": detail.get("email"),
    }
    for name in ("published", "updated", "created"):
        out[name] = obj.get(name)
        out[name + "_ms"] = ms(obj.get(name + "_parsed"))
    return out


def parse(source):
    d = feedparser.parse(source)
    entries = []
    for e in d.entries:
        row = common(e)
        row["summary"] = e.get("summary")
        content = e.get("content") or []
        row["content"] = content[0].get("value") if content else None
        entries.append(row)
    return {"encoding": d.get("encoding"), "feed": common(d.feed), "entries": entries}


def main(argv):
    if argv[:2] == ["parse", "--json"] and len(argv) == 3:
        print(json.dumps(parse(argv[2]), ensure_ascii=False))
    elif argv[:1] == ["parse-date"]:
        for line in sys.stdin:
            t = _parse_date(line.rstrip("\r\n"))
            print("null" if t is None else ms(t))
    elif argv[:2] == ["parse", "--bench"] and len(argv) >= 4:
        docs = [open(p, "rb").read() for p in argv[3:]]
        n, total, entries = int(argv[2]), 0, 0
        start = time.perf_counter()
        for _ in range(n):
            for doc in docs:
                entries += len(feedparser.parse(doc).entries)
                total += len(doc)
        print(json.dumps({"bytes": total, "entries": entries, "seconds": time.perf_counter() - start}))
    else:
        sys.exit("usage: feedparser_adapter.py parse --json SOURCE | parse-date | parse --bench N FILE...")


if __name__ == "__main__":
    main(sys.argv[1:])
