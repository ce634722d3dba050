#include "site/assets.h"

namespace nm {

const char kSiteCss[] = R"css(:root{color-scheme:light dark;--fg:#1f2328;--muted:#656d76;--bg:#fff;--line:#d8dee4;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#30363d;--link:#6cb6ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.8 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;text-rendering:optimizeLegibility}
header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding-top:.75rem;padding-bottom:.75rem;border-bottom:1px solid var(--line)}
header .home{font-weight:700;color:var(--fg);text-decoration:none}
form.search{display:flex;gap:.25rem}
form.search input{font:inherit;padding:.15rem .5rem;border:1px solid var(--line);border-radius:4px;min-width:10rem;background:var(--bg);color:var(--fg)}
form.search button{font:inherit;padding:.15rem .75rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
a{color:var(--link);text-decoration:none}
a:hover{text-decoration:underline}
h1{font-size:1.6rem;line-height:1.4;margin:1.5rem 0 .5rem}
h2{font-size:1.25rem;margin:1.75rem 0 .5rem}
.meta,.muted{color:var(--muted);font-size:.9rem}
ul.articles{list-style:none;padding:0;margin:0}
ul.articles li{padding:.35rem 0;border-bottom:1px solid var(--line)}
ul.articles time,ul.articles .outlet{color:var(--muted);font-size:.85rem;margin-right:.5rem;font-variant-numeric:tabular-nums}
nav.pages,nav.months{margin:1rem 0;line-height:2.2}
nav.pages a,nav.months a{margin-right:.6rem}
article{margin-bottom:2rem;word-wrap:break-word;overflow-wrap:break-word}
article .body p{margin:0 0 1em;text-align:justify}
article img{max-width:100%;height:auto}
article figure{margin:1rem 0}
article figcaption,article small{color:var(--muted);font-size:.85rem}
article blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--line);color:var(--muted)}
article table{border-collapse:collapse;max-width:100%;overflow-x:auto;display:block}
article td,article th{border:1px solid var(--line);padding:.25rem .5rem}
article pre{overflow-x:auto}
.snippet{display:block;color:var(--muted);font-size:.9rem}
mark{background:#fff3b0;color:inherit}
footer{padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line);margin-top:2rem}
footer .mirrors h2{font-size:1rem;margin:.8rem 0 .2rem}
footer .mirrors p{margin:.2rem 0}
footer .mirrors ul{margin:.2rem 0;padding-left:1.2rem}
)css";

const char kSearchJs[] = R"js((function () {
  'use strict';
  var results = document.getElementById('results');
  var status = document.getElementById('status');
  if (!results || results.getAttribute('data-server') === '1') return;
  var params = new URLSearchParams(window.location.search);
  var query = (params.get('q') || '').trim();
  var inputs = document.querySelectorAll('form.search input[name=q]');
  for (var k = 0; k < inputs.length; k++) inputs[k].value = query;
  if (!query) return;
  var MAX_SHOWN = 200;
  var base = results.getAttribute('data-search');
  // ASCII letters only, as the index does.
  var lower = function (s) { return s.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); }); };
  var terms = lower(query).split(/\s+/).filter(function (w) { return w.length > 0; });
  // Each word needs its pairs of characters (or its one character).
  var grams = [], seen = Object.create(null);
  terms.forEach(function (t) {
    var cs = Array.from(t);
    var add = function (g) { if (!seen[g]) { seen[g] = true; grams.push(g); } };
    if (cs.length === 1) add(cs[0]);
    for (var i = 0; i + 1 < cs.length; i++) add(cs[i] + cs[i + 1]);
  });
  var encoder = new TextEncoder();
  var fnv = function (s) {
    var b = encoder.encode(s), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
    return h;
  };
  var load = function (path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  };
  status.textContent = '正在搜索…';
  var meta;
  load('meta.json').then(function (m) {
    meta = m;
    var shards = Object.create(null);
    grams.forEach(function (g) { shards[fnv(g) % meta.shards] = true; });
    return Promise.all(Object.keys(shards).map(function (k) {
      return load('t/' + k + '.json').then(function (postings) { shards[k] = postings; });
    })).then(function () { return shards; });
  }).then(function (shards) {
    // The articles holding every gram, as outlet → ids.
    var found = null;
    grams.forEach(function (g) {
      var has = Object.create(null);
      (shards[fnv(g) % meta.shards][g] || []).forEach(function (list) {
        var id = list[1];
        has[list[0] + ':' + id] = true;
        for (var i = 2; i < list.length; i++) { id += list[i]; has[list[0] + ':' + id] = true; }
      });
      if (found === null) { found = has; return; }
      var both = Object.create(null);
      for (var key in found) if (has[key]) both[key] = true;
      found = both;
    });
    // The candidates by title file; the files are read newest first until
    // MAX_SHOWN matches are in and no unread file can hold a newer one.
    var byChunk = Object.create(null), total = 0;
    for (var key in found) {
      var at = key.indexOf(':'), o = key.slice(0, at), id = Number(key.slice(at + 1));
      var c = o + '-' + Math.floor(id / meta.chunk);
      (byChunk[c] = byChunk[c] || []).push(id);
      total++;
    }
    // meta.newest[o] = [first title file of outlet o, the newest day in it, in the next, …]
    var newest = function (c) {
      var at = c.indexOf('-'), days = meta.newest[c.slice(0, at)] || [0];
      return days[1 + Number(c.slice(at + 1)) - days[0]] || '';
    };
    var order = Object.keys(byChunk).sort(function (a, b) {
      var x = newest(a), y = newest(b);
      return x < y ? 1 : x > y ? -1 : 0;
    });
    var items = [], checked = 0, next = 0;
    var byDay = function (a, b) { return a.day < b.day ? 1 : a.day > b.day ? -1 : a.id - b.id; };
    var done = function () {
      if (next >= order.length) return true;
      if (items.length < MAX_SHOWN) return false;
      items.sort(byDay);
      return newest(order[next]) < items[MAX_SHOWN - 1].day;
    };
    var step = function () {
      if (done()) return Promise.resolve();
      var batch = order.slice(next, next + 4);
      next += batch.length;
      return Promise.all(batch.map(function (c) {
        return load('a/' + c + '.json').then(function (titles) {
          var o = c.slice(0, c.indexOf('-'));
          byChunk[c].forEach(function (id) {
            checked++;
            var entry = titles[id];
            if (!entry) return;
            var title = lower(entry[0]);
            // A pair can match across two words of the query; the words must match.
            if (!terms.every(function (w) { return title.indexOf(w) >= 0; })) return;
            items.push({ title: entry[0], day: entry[1], outlet: meta.outlets[o], id: id });
          });
        });
      })).then(step);
    };
    return step().then(function () {
      items.sort(byDay);
      items.slice(0, MAX_SHOWN).forEach(function (item) {
        var li = document.createElement('li');
        var time = document.createElement('time');
        time.textContent = item.day;
        var outlet = document.createElement('span');
        outlet.className = 'outlet';
        outlet.textContent = item.outlet[0];
        var a = document.createElement('a');
        a.href = 'outlets/' + item.outlet[1] + '/' + item.id + '.html';
        a.textContent = item.title;
        li.appendChild(time);
        li.appendChild(outlet);
        li.appendChild(a);
        results.appendChild(li);
      });
      // Titles not read are counted as matches: the count is then "about".
      var count = items.length + (total - checked);
      var about = total > checked ? '约 ' : '';
      status.textContent = count ? '找到 ' + about + count + ' 篇' + (count > MAX_SHOWN ? '，显示最新 ' + MAX_SHOWN + ' 篇' : '')
                                 : '没有找到';
    });
  }).catch(function () {
    status.textContent = '无法载入搜索索引';
  });
})();
)js";

}  // namespace nm
