#!/usr/bin/env node
// npm rss-parser (the parser of the mirror newsmirror replaces) behind newsmirror's
// parser commands, for scoring it the same way.
//
//   rss_parser_adapter.js parse --json SOURCE   prints the neutral shape of ../shared/corpora/feedparser/README.md
//   rss_parser_adapter.js parse-date            one date per line on stdin -> Unix ms or null
//   rss_parser_adapter.js parse --bench N FILE...   parses the files N times from memory -> {"bytes","entries","seconds"}
//
// rss-parser is installed into bench/node_modules by bench/setup.sh. It reads
// URLs itself (parseURL, as the old mirror did) and decodes everything as
// UTF-8; files are read as UTF-8 too. Dates: rss-parser keeps the feed's string
// (pubDate) and derives isoDate with JavaScript's Date, so parse-date uses Date.
'use strict';
const fs = require('fs');
const path = require('path');
const Parser = require(path.join(__dirname, 'node_modules', 'rss-parser'));

const parser = new Parser();

function ms(text) {
  if (text === undefined || text === null || text === '') return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

function str(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && typeof v._ === 'string') return v._;
  return String(v);
}

function common(o) {
  const published = str(o.pubDate);
  return {
    title: str(o.title), link: str(o.link), id: str(o.guid ?? o.id),
    author: str(o.creator ?? o.author), author_name: null, author_email: null,
    published, published_ms: o.isoDate ? ms(o.isoDate) : ms(published),
    updated: null, updated_ms: null, created: null, created_ms: null,
  };
}

function shape(feed) {
  const f = common(feed);
  f.updated = str(feed.lastBuildDate);
  f.updated_ms = ms(f.updated);
  return {
    encoding: 'utf-8',
    feed: f,
    entries: (feed.items || []).map((item) => Object.assign(common(item), {
      summary: str(item.summary ?? item.content),
      content: str(item['content:encoded'] ?? item.content),
    })),
  };
}

async function main(argv) {
  if (argv[0] === 'parse' && argv[1] === '--json' && argv.length === 3) {
    const src = argv[2];
    const feed = /^https?:\/\//.test(src) ? await parser.parseURL(src)
                                          : await parser.parseString(fs.readFileSync(src, 'utf8'));
    process.stdout.write(JSON.stringify(shape(feed)) + '\n');
  } else if (argv[0] === 'parse-date') {
    const lines = fs.readFileSync(0, 'utf8').split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    process.stdout.write(lines.map((l) => { const t = ms(l.replace(/\r$/, '')); return t === null ? 'null' : String(t); }).join('\n') + '\n');
  } else if (argv[0] === 'parse' && argv[1] === '--bench' && argv.length >= 4) {
    const files = argv.slice(3).map((p) => fs.readFileSync(p));
    const docs = files.map((b) => b.toString('utf8'));
    const n = Number(argv[2]);
    let bytes = 0, entries = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < docs.length; k++) {
        try { entries += ((await parser.parseString(docs[k])).items || []).length; } catch (e) { /* counted as 0 */ }
        bytes += files[k].length;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({ bytes, entries, seconds }) + '\n');
  } else {
    process.stderr.write('usage: rss_parser_adapter.js parse --json SOURCE | parse-date | parse --bench N FILE...\n');
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((e) => { process.stderr.write(String(e && e.message || e) + '\n'); process.exit(3); });
