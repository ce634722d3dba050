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
  var terms = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  status.textContent = '正在搜索…';
  fetch(results.getAttribute('data-index')).then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  }).then(function (index) {
    var shown = 0, found = 0;
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      var title = entry[0].toLowerCase();
      if (!terms.every(function (w) { return title.indexOf(w) >= 0; })) continue;
      found++;
      if (shown >= 200) continue;
      shown++;
      var li = document.createElement('li');
      var time = document.createElement('time');
      time.textContent = entry[2];
      var outlet = document.createElement('span');
      outlet.className = 'outlet';
      outlet.textContent = entry[1];
      var a = document.createElement('a');
      a.href = entry[3];
      a.textContent = entry[0];
      li.appendChild(time);
      li.appendChild(outlet);
      li.appendChild(a);
      results.appendChild(li);
    }
    status.textContent = found ? '找到 ' + found + ' 篇' + (found > shown ? '，显示最新 ' + shown + ' 篇' : '') : '没有找到';
  }).catch(function () {
    status.textContent = '无法载入搜索索引';
  });
})();
)js";

}  // namespace nm
