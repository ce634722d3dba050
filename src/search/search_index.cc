#include "search/search_index.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "html/html_text.h"
#include "layout/layout.h"
#include "util/contain.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/text.h"

namespace nm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchemaVersion = "1";

bool IsCjk(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FFFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF);
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  bool Step() { return (rc_ = sqlite3_step(s_)) == SQLITE_ROW; }
  bool Done() const { return rc_ == SQLITE_DONE; }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, col)) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError("search index: " + m);
  }
  return Status::Ok();
}

Status DbError(sqlite3* db, const std::string& what) {
  return Status::IoError("search index: " + what + ": " + sqlite3_errmsg(db));
}

std::string Fingerprint(const MirrorOutlet& o) {
  std::string all;
  for (const ArticleRecord& r : o.records) {
    all += std::to_string(r.id) + '\t' + std::to_string(r.published_ms) + '\t' + r.blob + '\t' + r.file + '\t' +
           r.title + '\t' + r.link + '\n';
  }
  return GitBlobId(all);
}

std::vector<std::string> QueryTerms(std::string_view query) {
  std::vector<std::string> terms;
  std::string cur;
  for (size_t i = 0; i < query.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(query, i, &len);
    bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000;
    if (space) {
      if (!cur.empty()) terms.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.append(query.substr(i, len));
    }
    i += len;
  }
  if (!cur.empty()) terms.push_back(std::move(cur));
  return terms;
}

// Plain text around the first place one of `terms` occurs in `text`.
void MakeSnippet(const std::string& text, const std::vector<std::string>& terms, SearchHit& hit) {
  std::string lower = AsciiLower(text);
  size_t at = std::string::npos, len = 0;
  for (const std::string& t : terms) {
    size_t p = lower.find(AsciiLower(t));
    if (p != std::string::npos && p < at) {
      at = p;
      len = t.size();
    }
  }
  auto back = [&](size_t pos, int chars) {
    while (chars-- > 0 && pos > 0) {
      --pos;
      while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
    }
    return pos;
  };
  auto forward = [&](size_t pos, int chars) {
    while (chars-- > 0 && pos < text.size()) {
      ++pos;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    }
    return pos;
  };
  if (at == std::string::npos) {
    hit.snippet = text.substr(0, forward(0, 80));
    hit.mark_begin = hit.mark_end = 0;
  } else {
    size_t from = back(at, 30), to = forward(at + len, 60);
    hit.snippet = text.substr(from, to - from);
    hit.mark_begin = at - from;
    hit.mark_end = at - from + len;
    if (from > 0) {
      hit.snippet = "…" + hit.snippet;
      hit.mark_begin += 3;
      hit.mark_end += 3;
    }
    if (to < text.size()) hit.snippet += "…";
  }
  for (char& c : hit.snippet) {
    if (c == '\n') c = ' ';
  }
}

}  // namespace

std::string CjkBigrams(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  std::vector<std::string_view> run;
  auto flush = [&] {
    if (run.empty()) return;
    out += ' ';
    if (run.size() == 1) {
      out.append(run[0]);
    } else {
      for (size_t k = 0; k + 1 < run.size(); ++k) {
        if (k) out += ' ';
        out.append(run[k]).append(run[k + 1]);
      }
    }
    out += ' ';
    run.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(text, i, &len);
    if (IsCjk(cp)) {
      run.push_back(text.substr(i, len));
    } else {
      flush();
      out.append(text.substr(i, len));
    }
    i += len;
  }
  flush();
  return out;
}

std::string FtsQuery(std::string_view query) {
  std::string out;
  for (const std::string& term : QueryTerms(query)) {
    // Keep letters, digits and CJK; everything else separates tokens, as the
    // tokenizer would.
    std::string cleaned;
    bool has_token = false;
    size_t last_cjk_run = 0, run = 0;
    for (size_t i = 0; i < term.size();) {
      size_t len;
      uint32_t cp = DecodeUtf8At(term, i, &len);
      bool cjk = IsCjk(cp);
      bool word = cjk || (cp < 0x80 ? std::isalnum(static_cast<int>(cp)) != 0 : true);
      if (cp >= 0x3000 && cp <= 0x303F) word = false;  // CJK punctuation
      if (cp >= 0xFF00 && cp <= 0xFF0F) word = false;
      if (word) {
        cleaned.append(term, i, len);
        has_token = true;
      } else {
        cleaned += ' ';
      }
      run = cjk ? run + 1 : 0;
      last_cjk_run = run;
      i += len;
    }
    if (!has_token) continue;
    std::string phrase = CjkBigrams(cleaned), quoted;
    for (char c : phrase) {
      if (c == '"') quoted += "\"\"";
      else quoted += c;
    }
    if (!out.empty()) out += " AND ";
    out += "\"" + quoted + "\"";
    // A term ending in one CJK character matches the bigrams it starts.
    if (last_cjk_run == 1) out += "*";
  }
  return out;
}

SearchIndex::~SearchIndex() {
  if (db_) sqlite3_close(db_);
}
SearchIndex::SearchIndex(SearchIndex&& o) noexcept : db_(o.db_), created_(o.created_) { o.db_ = nullptr; }
SearchIndex& SearchIndex::operator=(SearchIndex&& o) noexcept {
  std::swap(db_, o.db_);
  std::swap(created_, o.created_);
  return *this;
}

Result<SearchIndex> SearchIndex::Open(const std::string& path) {
  if (!path.empty()) {
    if (Status s = MakeDirs(fs::path(path).parent_path().string()); !s.ok()) return s;
  }
  const char* name = path.empty() ? ":memory:" : path.c_str();
  for (int attempt = 0; attempt < 2; ++attempt) {
    SearchIndex idx;
    if (sqlite3_open(name, &idx.db_) != SQLITE_OK) {
      Status s = DbError(idx.db_, "cannot open " + path);
      return s;
    }
    sqlite3_busy_timeout(idx.db_, 5000);
    bool rebuilt = false;
    Status s = idx.Prepare(&rebuilt);
    idx.created_ = rebuilt;
    if (s.ok()) return idx;
    // A cache SQLite cannot read, or of another schema: start again.
    sqlite3_close(idx.db_);
    idx.db_ = nullptr;
    std::error_code ec;
    fs::remove(path, ec);
    if (attempt == 1 || path.empty()) return s.With(path.empty() ? "search index in memory" : path);
  }
  return Status::Internal("unreachable");
}

Status SearchIndex::Prepare(bool* rebuilt) {
  // An index in memory ignores WAL (and keeps its journal in memory).
  if (Status s = Exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok()) return s;
  if (Status s = Exec(db_, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)"); !s.ok()) return s;
  Stmt get(db_, "SELECT value FROM meta WHERE key='schema'");
  if (!get.ok()) return DbError(db_, "reading meta");
  std::string version = get.Step() ? get.Text(0) : "";
  if (version == kSchemaVersion) return Status::Ok();
  if (!version.empty()) return Status::Corruption("search index of another schema (" + version + ")");
  *rebuilt = true;
  return Exec(db_,
              "BEGIN;"
              "CREATE TABLE docs(rowid INTEGER PRIMARY KEY, outlet TEXT NOT NULL, file TEXT NOT NULL,"
              " id INTEGER, published INTEGER, title TEXT, link TEXT, body TEXT, blob TEXT,"
              " UNIQUE(outlet, file));"
              "CREATE INDEX docs_published ON docs(published);"
              "CREATE TABLE outlets(name TEXT PRIMARY KEY, fingerprint TEXT);"
              "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='',"
              " tokenize='unicode61 remove_diacritics 2');"
              "INSERT INTO meta VALUES('schema', '1');"
              "COMMIT;");
}

Status SearchIndex::Sync(const MirrorView& view, SyncStats* stats) {
  SyncStats local;
  SyncStats& st = stats ? *stats : local;
  st.rebuilt = created_;
  created_ = false;
  if (Status s = Exec(db_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt get_fp(db_, "SELECT fingerprint FROM outlets WHERE name=?1");
  Stmt set_fp(db_, "INSERT OR REPLACE INTO outlets VALUES(?1, ?2)");
  Stmt list(db_, "SELECT rowid, file, blob, title, body FROM docs WHERE outlet=?1");
  Stmt del_doc(db_, "DELETE FROM docs WHERE rowid=?1");
  Stmt del_fts(db_, "INSERT INTO fts(fts, rowid, title, body) VALUES('delete', ?1, ?2, ?3)");
  Stmt add_doc(db_,
               "INSERT INTO docs(outlet, file, id, published, title, link, body, blob)"
               " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  Stmt add_fts(db_, "INSERT INTO fts(rowid, title, body) VALUES(?1, ?2, ?3)");
  Stmt outlets(db_, "SELECT name FROM outlets");
  if (!get_fp.ok() || !set_fp.ok() || !list.ok() || !del_doc.ok() || !del_fts.ok() || !add_doc.ok() ||
      !add_fts.ok() || !outlets.ok()) {
    Status s = DbError(db_, "preparing");
    Exec(db_, "ROLLBACK");
    return s;
  }
  auto remove = [&](int64_t rowid, const std::string& title, const std::string& body) {
    del_fts.Bind(1, rowid).Bind(2, CjkBigrams(title)).Bind(3, CjkBigrams(body));
    del_fts.Step();
    del_fts.Reset();
    del_doc.Bind(1, rowid);
    del_doc.Step();
    del_doc.Reset();
    ++st.removed;
  };
  std::vector<std::string> gone;
  while (outlets.Step()) {
    if (!view.Find(outlets.Text(0))) gone.push_back(outlets.Text(0));
  }
  std::vector<MirrorOutlet> empty_outlets;
  for (const std::string& name : gone) empty_outlets.push_back({name, {}});

  auto sync_outlet = [&](const MirrorOutlet& o) -> Status {
    std::string fp = Fingerprint(o);
    get_fp.Bind(1, o.name);
    bool same = get_fp.Step() && get_fp.Text(0) == fp;
    get_fp.Reset();
    if (same) {
      ++st.outlets_skipped;
      return Status::Ok();
    }
    struct Row {
      int64_t rowid;
      std::string blob, title, body;
    };
    std::map<std::string, Row> have;
    list.Bind(1, o.name);
    while (list.Step()) have[list.Text(1)] = {list.Int(0), list.Text(2), list.Text(3), list.Text(4)};
    list.Reset();
    for (const ArticleRecord& r : o.records) {
      auto it = have.find(r.file);
      if (it != have.end()) {
        bool unchanged = it->second.blob == r.blob && !r.blob.empty();
        if (unchanged) {
          have.erase(it);
          continue;
        }
        remove(it->second.rowid, it->second.title, it->second.body);
        --st.removed;
        have.erase(it);
      }
      auto doc = ReadArticle(view.root, o.name, r);
      std::string title = doc.ok() ? doc->title : r.title;
      std::string body;
      // An article whose HTML cannot be read is indexed by its title alone.
      if (doc.ok()) (void)Contain([&] { body = ReadableText(doc->content); });
      add_doc.Bind(1, o.name).Bind(2, r.file).Bind(3, r.id).Bind(4, r.published_ms).Bind(5, title);
      add_doc.Bind(6, doc.ok() ? doc->link : r.link).Bind(7, body).Bind(8, r.blob);
      add_doc.Step();
      bool ok = add_doc.Done();
      add_doc.Reset();
      if (!ok) return DbError(db_, "adding " + layout::ArticlePath(o.name, r.file));
      int64_t rowid = sqlite3_last_insert_rowid(db_);
      add_fts.Bind(1, rowid).Bind(2, CjkBigrams(title)).Bind(3, CjkBigrams(body));
      add_fts.Step();
      ok = add_fts.Done();
      add_fts.Reset();
      if (!ok) return DbError(db_, "indexing " + layout::ArticlePath(o.name, r.file));
      ++st.indexed;
    }
    for (const auto& [file, row] : have) remove(row.rowid, row.title, row.body);
    set_fp.Bind(1, o.name).Bind(2, fp);
    set_fp.Step();
    set_fp.Reset();
    return Status::Ok();
  };
  for (const MirrorOutlet& o : view.outlets) {
    if (Status s = sync_outlet(o); !s.ok()) {
      Exec(db_, "ROLLBACK");
      return s;
    }
  }
  for (const MirrorOutlet& o : empty_outlets) {
    if (Status s = sync_outlet(o); !s.ok()) {
      Exec(db_, "ROLLBACK");
      return s;
    }
    Stmt drop(db_, "DELETE FROM outlets WHERE name=?1");
    drop.Bind(1, o.name);
    drop.Step();
  }
  return Exec(db_, "COMMIT");
}

Result<std::vector<SearchHit>> SearchIndex::Search(const SearchQuery& query) const {
  std::vector<SearchHit> hits;
  std::string match = FtsQuery(query.text);
  if (match.empty()) return hits;
  // Without filters the ranking needs the full-text index alone; a filter
  // looks every match up in docs.
  bool filtered = !query.source.empty() || query.since_ms > 0;
  Stmt ranked(db_, filtered
                       ? "SELECT d.rowid, m.s FROM (SELECT rowid, bm25(fts, 10.0, 1.0) AS s FROM fts"
                         " WHERE fts MATCH ?1) m JOIN docs d ON d.rowid = m.rowid"
                         " WHERE (?2 = '' OR d.outlet = ?2) AND d.published >= ?3"
                         " ORDER BY m.s, d.published DESC LIMIT ?4 OFFSET ?5"
                       : "SELECT rowid, bm25(fts, 10.0, 1.0) AS s FROM fts WHERE fts MATCH ?1"
                         " AND ?2 = '' AND ?3 = ?3 ORDER BY s, rowid DESC LIMIT ?4 OFFSET ?5");
  Stmt row(db_, "SELECT outlet, file, id, published, title, link, body FROM docs WHERE rowid=?1");
  if (!ranked.ok() || !row.ok()) return DbError(db_, "preparing a search");
  ranked.Bind(1, match).Bind(2, query.source).Bind(3, query.since_ms).Bind(4, static_cast<int64_t>(query.limit));
  ranked.Bind(5, static_cast<int64_t>(std::max(0, query.offset)));
  std::vector<std::string> terms = QueryTerms(query.text);
  while (ranked.Step()) {
    row.Bind(1, ranked.Int(0));
    if (row.Step()) {
      SearchHit h;
      h.outlet = row.Text(0);
      h.file = row.Text(1);
      h.id = row.Int(2);
      h.published_ms = row.Int(3);
      h.title = row.Text(4);
      h.link = row.Text(5);
      h.score = ranked.Real(1);
      MakeSnippet(row.Text(6), terms, h);
      hits.push_back(std::move(h));
    }
    row.Reset();
  }
  if (!ranked.Done()) return DbError(db_, "searching for '" + query.text + "'");
  return hits;
}

Result<int64_t> SearchIndex::Count(const SearchQuery& query) const {
  std::string match = FtsQuery(query.text);
  if (match.empty()) return int64_t{0};
  bool filtered = !query.source.empty() || query.since_ms > 0;
  Stmt count(db_, filtered ? "SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?1"
                             " AND (?2 = '' OR d.outlet = ?2) AND d.published >= ?3"
                           : "SELECT count(*) FROM fts WHERE fts MATCH ?1 AND ?2 = '' AND ?3 = ?3");
  if (!count.ok()) return DbError(db_, "preparing a count");
  count.Bind(1, match).Bind(2, query.source).Bind(3, query.since_ms);
  if (!count.Step()) return DbError(db_, "counting the matches of '" + query.text + "'");
  return count.Int(0);
}

namespace {

// Whether this process may create or change files in `dir` (false on a
// read-only mount even for root).
bool Writable(const std::string& dir) { return ::access(dir.c_str(), W_OK) == 0; }

// SQLite opens the index by its path: the mirror's own index is opened only
// when no link stands on the way or in its place.
Status CheckIndexPath(const std::string& root) {
  auto kind = KindBelow(root, layout::SearchIndexPath());
  if (!kind.ok()) return kind.status();
  if (*kind != PathKind::kMissing && *kind != PathKind::kFile) {
    return RefusedEntry(root, layout::SearchIndexPath(), *kind);
  }
  return Status::Ok();
}

}  // namespace

std::string SearchIndexLocation(const std::string& root) {
  std::error_code ec;
  std::string own = root + "/" + layout::SearchIndexPath();
  std::string state_dir = root + "/.newsmirror";
  bool own_ok = fs::is_directory(state_dir, ec) ? Writable(state_dir) && (!fs::exists(own, ec) || Writable(own))
                                                : Writable(root);
  if (own_ok) return own;
  std::string cache;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') cache = xdg;
  else if (const char* home = std::getenv("HOME"); home && home[0] == '/') cache = std::string(home) + "/.cache";
  if (cache.empty()) return {};
  fs::path absolute = fs::weakly_canonical(fs::absolute(root, ec), ec);
  // The deepest folder of the cache path that exists must be writable.
  fs::path probe = cache;
  while (!probe.empty() && !fs::exists(probe, ec)) probe = probe.parent_path();
  if (probe.empty() || !Writable(probe.string())) return {};
  return cache + "/newsmirror/search/" + GitBlobId(absolute.string()).substr(0, 20) + ".sqlite";
}

Result<SearchIndex> OpenMirrorIndex(const std::string& root, SyncStats* stats, std::string* location) {
  if (Status s = CheckIsMirror(root); !s.ok()) return s;
  if (Status s = CheckIndexPath(root); !s.ok()) return s;
  auto view = LoadMirror(root);
  if (!view.ok()) return view.status();
  std::string first = SearchIndexLocation(root);
  std::vector<std::string> places = {first};
  if (!first.empty()) places.push_back("");  // a location that fails after all: in memory
  Status error;
  for (const std::string& place : places) {
    auto idx = SearchIndex::Open(place);
    if (idx.ok()) {
      Status s = idx->Sync(*view, stats);
      if (s.ok()) {
        if (location) *location = place;
        return idx;
      }
      error = s;
    } else {
      error = idx.status();
    }
  }
  return error;
}

Status UpdateSearchIndexIfPresent(const std::string& root) {
  if (!FileExistsBelow(root, layout::SearchIndexPath())) return Status::Ok();
  auto view = LoadMirror(root);
  if (!view.ok()) return view.status();
  auto idx = SearchIndex::Open(root + "/" + layout::SearchIndexPath());
  if (!idx.ok()) return idx.status();
  return idx->Sync(*view);
}

}  // namespace nm
