#include "layout/layout.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "util/fs.h"

namespace nm::layout {

namespace {

bool EndsWith(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

std::string CodePoint(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

Status Why(std::string reason) { return Status::InvalidArgument(std::move(reason)); }

bool IsControl(UChar32 c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Embeddings, overrides and isolates reorder what follows them on screen.
bool IsBidiControl(UChar32 c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

bool IsNoncharacter(UChar32 c) { return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE; }

// Shows nothing on screen: white space, format and default-ignorable
// characters, and the letters that render blank.
bool IsInvisible(UChar32 c) {
  if (u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) return true;
  int8_t type = u_charType(c);
  if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || type == U_SPACE_SEPARATOR || type == U_LINE_SEPARATOR ||
      type == U_PARAGRAPH_SEPARATOR) {
    return true;
  }
  return c == 0x2800 /* braille blank */ || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
}

// Windows opens a device for these names, with any extension ("nul.md").
bool IsWindowsDeviceName(std::string_view name) {
  std::string_view stem = name.substr(0, name.find('.'));
  while (!stem.empty() && stem.back() == ' ') stem.remove_suffix(1);
  std::string upper;
  for (char c : stem) upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  for (const char* device : {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}) {
    if (upper == device) return true;
  }
  if (upper.size() < 4 || (upper.compare(0, 3, "COM") != 0 && upper.compare(0, 3, "LPT") != 0)) return false;
  std::string_view digit = std::string_view(upper).substr(3);
  if (digit.size() == 1 && digit[0] >= '0' && digit[0] <= '9') return true;
  // COM¹, COM², COM³ (and LPT) are devices too.
  return digit == "\xC2\xB9" || digit == "\xC2\xB2" || digit == "\xC2\xB3";
}

// The code points of `s`, or nullopt when it is not valid UTF-8.
std::optional<std::vector<UChar32>> CodePoints(std::string_view s) {
  std::vector<UChar32> out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool IsFileNameCharacter(int32_t c) {
  if (c <= 0 || IsControl(c) || IsNoncharacter(c)) return false;
  return c >= 0x80 || std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) == std::string_view::npos;
}

namespace {

// The rules every file name of a mirror keeps; `max_bytes` differs.
// `points` receives the code points.
Status CheckName(std::string_view name, size_t max_bytes, std::vector<UChar32>& points) {
  if (name.empty()) return Why("it is empty");
  if (name.size() > max_bytes) return Why("it is longer than " + std::to_string(max_bytes) + " bytes");
  auto decoded = CodePoints(name);
  if (!decoded) return Why("it is not valid UTF-8");
  points = std::move(*decoded);
  if (name == "." || name == "..") return Why("it is \"" + std::string(name) + "\"");
  if (name[0] == '.') return Why("it starts with a dot");
  for (UChar32 c : points) {
    if (IsFileNameCharacter(c)) continue;
    if (c == 0) return Why("it contains a NUL character");
    if (IsControl(c)) return Why("it contains a control character (" + CodePoint(c) + ")");
    if (IsNoncharacter(c)) return Why("it contains a noncharacter (" + CodePoint(c) + ")");
    return Why(std::string("it contains '") + static_cast<char>(c) + "'");
  }
  if (name.back() == ' ' || name.back() == '.') return Why("it ends with a space or a dot");
  if (IsWindowsDeviceName(name)) {
    return Why("\"" + std::string(name.substr(0, name.find('.'))) + "\" is a device name on Windows");
  }
  return Status::Ok();
}

const icu::Normalizer2* Nfc() {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(err);
  return U_SUCCESS(err) ? n : nullptr;
}

// One path an outlet's name derives, with what it is for messages.
struct Derived {
  std::string key;    // "m:" (mirror) or "s:" (site) + the path, for the folded name
  std::string path;   // the path as written, for the name itself
  const char* what;
};

std::vector<Derived> DerivedPaths(std::string_view name) {
  std::string f = FoldName(name);
  return {
      {"m:" + ArticleDir(f), ArticleDir(name), "the articles' folder"},
      {"m:" + ListPagePath(f), ListPagePath(name), "the list page"},
      {"m:" + MonthPagesDir(f), MonthPagesDir(name), "the monthly pages' folder"},
      {"m:" + OutletStateDir(f), OutletStateDir(name), "the state folder"},
      {"m:" + LegacyOutletStatePath(f), LegacyOutletStatePath(name), "the older single state file"},
      {"m:" + CompletionStatePath(f), CompletionStatePath(name), "the completion state"},
      {"m:" + AssetDir(f), AssetDir(name), "the stored images' folder"},
      {"m:" + OutletFeedPath(f), OutletFeedPath(name), "the feed"},
      {"m:" + KeyCachePath(f), KeyCachePath(name), "the key cache"},
      {"s:" + SiteOutletDir(f), SiteOutletDir(name), "the site's pages folder"},
      {"s:" + SiteFeedPath(f), SiteFeedPath(name), "the site's feed"},
      {"s:" + SiteImageDir(f), SiteImageDir(name), "the site's images folder"},
  };
}

// Paths of the mirror and the site that belong to no outlet.
const std::vector<Derived>& ReservedPaths() {
  static const std::vector<Derived> reserved = {
      {"m:" + AllFeedPath(), AllFeedPath(), "the feed of every outlet"},
      {"m:" + PushRecordPath(), PushRecordPath(), "the record of the pushes"},
      {"m:" + MailStatePath(), MailStatePath(), "the record of the e-mail digests"},
      {"s:" + SiteAllFeedPath(), SiteAllFeedPath(), "the site's feed of every outlet"},
      {"s:" + SiteStyleSheetPath(), SiteStyleSheetPath(), "the site's style sheet"},
      {"s:" + SiteSearchScriptPath(), SiteSearchScriptPath(), "the site's search script"},
  };
  return reserved;
}

}  // namespace

Status CheckFileName(std::string_view name) {
  std::vector<UChar32> points;
  return CheckName(name, 255, points);
}

Status CheckOutletName(std::string_view name) {
  std::vector<UChar32> points;
  if (Status s = CheckName(name, kMaxOutletNameBytes, points); !s.ok()) return s;
  bool visible = false;
  for (UChar32 c : points) {
    if (IsBidiControl(c)) return Why("it contains a bidirectional override or isolate (" + CodePoint(c) + ")");
    if (!IsInvisible(c)) visible = true;
  }
  if (!visible) return Why("it has no visible character");
  if (IsInvisible(points.front())) return Why("it starts with an invisible character (" + CodePoint(points.front()) + ")");
  if (IsInvisible(points.back())) return Why("it ends with an invisible character (" + CodePoint(points.back()) + ")");
  // Folded as a case- and normalization-insensitive file system may fold it,
  // the name must still be one: a full-width solidus or dot folds to '/' or
  // '.', and such a name looks like a path.
  std::string folded = FoldName(name);
  if (folded == "all") return Why("\"all\" is kept for feeds/all.xml, the feed of every outlet, and bundles/all/");
  std::vector<UChar32> folded_points;
  if (Status s = CheckName(folded, 255, folded_points); !s.ok()) {
    return Why("folded as a file system may fold it (\"" + folded + "\"), " + s.message());
  }
  const icu::Normalizer2* nfc = Nfc();
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  if (!nfc || !nfc->isNormalized(s, err) || U_FAILURE(err)) return Why("it is not in Unicode normalization form C");
  return Status::Ok();
}

Result<std::string> NormalizeOutletName(std::string_view name) {
  const icu::Normalizer2* nfc = Nfc();
  if (!CodePoints(name)) return Why("it is not valid UTF-8");
  std::string out(name);
  if (nfc) {
    UErrorCode err = U_ZERO_ERROR;
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
    icu::UnicodeString normal = nfc->normalize(s, err);
    if (U_SUCCESS(err)) {
      out.clear();
      normal.toUTF8String(out);
    }
  }
  if (Status s = CheckOutletName(out); !s.ok()) return s;
  return out;
}

std::string FoldName(std::string_view name) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(err);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::string out;
  if (U_SUCCESS(err)) {
    icu::UnicodeString folded = fold->normalize(s, err);
    if (U_SUCCESS(err)) s = folded;
  }
  s.toUTF8String(out);
  return out;
}

Status OutletNameSet::Add(std::string_view name) {
  if (names_.count(name)) return Status::Ok();
  std::vector<Derived> mine = DerivedPaths(name);
  auto refuse = [&](const Derived& m, const std::string& owner, const std::string& path, const std::string& what) {
    std::string msg = "'" + std::string(name) + "' cannot be an outlet beside ";
    msg += owner.empty() ? "the mirror's own files" : "'" + owner + "'";
    msg += ": " + m.path + " would be both " + m.what + " of '" + std::string(name) + "' and ";
    msg += owner.empty() ? what : what + " of '" + owner + "'";
    if (path != m.path) msg += " (" + path + ", the same on a file system that ignores case or Unicode normalization)";
    return Status::InvalidArgument(msg);
  };
  for (const Derived& m : mine) {
    for (const Derived& r : ReservedPaths()) {
      if (r.key == m.key) return refuse(m, "", r.path, r.what);
    }
    auto it = paths_.find(m.key);
    if (it == paths_.end()) continue;
    // The other outlet's entry: its name and its path; find what it is.
    const auto& [owner, path] = it->second;
    std::string what = "a path";
    for (const Derived& o : DerivedPaths(owner)) {
      if (o.key == m.key) what = o.what;
    }
    return refuse(m, owner, path, what);
  }
  for (const Derived& m : mine) paths_[m.key] = {std::string(name), m.path};
  names_.emplace(std::string(name), true);
  return Status::Ok();
}

bool OutletNameSet::Contains(std::string_view name) const { return names_.count(name) > 0; }

Status OutletNameSet::CheckBeside(std::string_view name, const std::vector<std::string>& others) {
  for (const std::string& other : others) {
    if (other == name) continue;
    OutletNameSet set;
    if (!set.Add(other).ok()) continue;
    if (Status s = set.Add(name); !s.ok()) return s;
  }
  return Status::Ok();
}

Status CheckOutletPaths(const std::string& root, std::string_view outlet) {
  struct Expect {
    std::string path;
    PathKind kind;
  };
  const Expect expected[] = {
      {ArticleDir(outlet), PathKind::kFolder},          {ListPagePath(outlet), PathKind::kFile},
      {MonthPagesDir(outlet), PathKind::kFolder},       {OutletStateDir(outlet), PathKind::kFolder},
      {LegacyOutletStatePath(outlet), PathKind::kFile}, {CompletionStatePath(outlet), PathKind::kFile},
      {AssetDir(outlet), PathKind::kFolder},            {OutletFeedPath(outlet), PathKind::kFile},
      {KeyCachePath(outlet), PathKind::kFile},
  };
  for (const Expect& e : expected) {
    auto kind = KindBelow(root, e.path);
    if (!kind.ok()) return kind.status();
    if (*kind == PathKind::kMissing || *kind == e.kind) continue;
    std::string shown = root + "/" + e.path;
    if (*kind == PathKind::kLink) {
      return Status::Corruption(shown + " is a symbolic link; newsmirror never follows links inside " + root +
                                " (remove it)");
    }
    return Status::Corruption(shown + (e.kind == PathKind::kFolder ? " is not a folder" : " is not a file") +
                              ", as the mirror's layout has it");
  }
  return Status::Ok();
}

std::vector<std::string> OutletsInMirror(const std::string& root) {
  std::set<std::string> names;
  auto add = [&](std::string_view name) {
    if (CheckOutletName(name).ok()) names.insert(std::string(name));
  };
  auto each = [&](const std::string& dir, auto&& take) {
    auto entries = ListFolderBelow(root, dir);
    if (!entries.ok()) return;
    for (const FolderEntry& e : *entries) take(e);
  };
  // A link names nothing: CheckOutletPaths refuses it to the outlet it would serve.
  auto strip = [&](const FolderEntry& e, std::string_view suffix) {
    if (e.kind == PathKind::kFile && EndsWith(e.name, suffix)) {
      add(std::string_view(e.name).substr(0, e.name.size() - suffix.size()));
    }
  };
  auto folder = [&](const FolderEntry& e) {
    if (e.kind == PathKind::kFolder) add(e.name);
  };
  each(ArticlesDir(), folder);
  each(AssetsDir(), folder);
  each(ListsDir(), [&](const FolderEntry& e) {
    folder(e);
    strip(e, ".md");
  });
  each(StateDir(), [&](const FolderEntry& e) {
    folder(e);
    strip(e, ".tsv");
    strip(e, ".complete.txt");
  });
  each(FeedsDir(), [&](const FolderEntry& e) {
    if (e.name != "all.xml") strip(e, ".xml");
  });
  return {names.begin(), names.end()};
}

// ---- The mirror ----

std::string ReadmePath() { return "README.md"; }
std::string GitignorePath() { return ".gitignore"; }
std::string ArticlesDir() { return "articles"; }
std::string ArticleDir(std::string_view outlet) { return ArticlesDir() + "/" + std::string(outlet); }
std::string ArticlePath(std::string_view outlet, std::string_view file) {
  return ArticleDir(outlet) + "/" + std::string(file);
}
std::string ListsDir() { return "lists"; }
std::string ListPagePath(std::string_view outlet) { return ListsDir() + "/" + std::string(outlet) + ".md"; }
std::string MonthPagesDir(std::string_view outlet) { return ListsDir() + "/" + std::string(outlet); }
std::string MonthPagePath(std::string_view outlet, std::string_view month) {
  return MonthPagesDir(outlet) + "/" + std::string(month) + ".md";
}
std::string StateDir() { return "state"; }
std::string OutletStateDir(std::string_view outlet) { return StateDir() + "/" + std::string(outlet); }
std::string OutletFeedStatePath(std::string_view outlet) { return OutletStateDir(outlet) + "/feed.tsv"; }
std::string OutletStateChunkPath(std::string_view outlet, int64_t chunk) {
  return OutletStateDir(outlet) + "/" + std::to_string(chunk) + ".tsv";
}
std::string LegacyOutletStatePath(std::string_view outlet) { return StateDir() + "/" + std::string(outlet) + ".tsv"; }
std::string CompletionStatePath(std::string_view outlet) {
  return StateDir() + "/" + std::string(outlet) + ".complete.txt";
}
std::string PushRecordPath() { return StateDir() + "/pushes.txt"; }
std::string MailStatePath() { return StateDir() + "/mail.txt"; }
std::string AssetsDir() { return "assets"; }
std::string AssetDir(std::string_view outlet) { return AssetsDir() + "/" + std::string(outlet); }
std::string AssetPath(std::string_view outlet, std::string_view file) {
  return AssetDir(outlet) + "/" + std::string(file);
}
std::string FeedsDir() { return "feeds"; }
std::string OutletFeedPath(std::string_view outlet) { return FeedsDir() + "/" + std::string(outlet) + ".xml"; }
std::string AllFeedPath() { return FeedsDir() + "/all.xml"; }
std::string WorkDir() { return ".newsmirror"; }
std::string LockPath() { return WorkDir() + "/lock"; }
std::string JournalPath() { return WorkDir() + "/journal"; }
std::string UncommittedPath() { return WorkDir() + "/uncommitted"; }
std::string CommitPendingPath() { return WorkDir() + "/commit"; }
std::string TmpDir() { return WorkDir() + "/tmp"; }
std::string SearchIndexPath() { return WorkDir() + "/search.sqlite"; }
std::string KeyCacheDir() { return WorkDir() + "/keys"; }
std::string KeyCachePath(std::string_view outlet) { return KeyCacheDir() + "/" + std::string(outlet) + ".bin"; }
std::string BundlesDir() { return "bundles"; }
std::string BundleIndexPath() { return BundlesDir() + "/index.tsv"; }
std::string BundlePath(std::string_view scope, std::string_view file) {
  return BundlesDir() + "/" + std::string(scope) + "/" + std::string(file);
}
std::string ArchivesDir() { return WorkDir() + "/archives"; }
std::string ArchiveRepositoryDir(std::string_view name) { return ArchivesDir() + "/" + std::string(name); }
std::string RolloverDuePath() { return WorkDir() + "/rollover-due"; }

std::optional<MirrorFile> ParseMirrorPath(std::string_view rel) {
  using Kind = MirrorFile::Kind;
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t slash = rel.find('/', start);
    parts.push_back(rel.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  auto outlet_ok = [](std::string_view o) { return CheckOutletName(o).ok(); };
  auto file_ok = [](std::string_view f) { return CheckFileName(f).ok(); };
  auto make = [](Kind kind, std::string_view outlet = {}, std::string_view file = {}) {
    return MirrorFile{kind, std::string(outlet), std::string(file)};
  };
  if (parts.size() == 1) {
    if (parts[0] == ReadmePath()) return make(Kind::kReadme);
    if (parts[0] == GitignorePath()) return make(Kind::kGitignore);
    return std::nullopt;
  }
  std::string_view top = parts[0], name = parts[1];
  if (parts.size() == 2) {
    auto strip = [&](std::string_view suffix) -> std::optional<std::string_view> {
      if (!EndsWith(name, suffix)) return std::nullopt;
      std::string_view outlet = name.substr(0, name.size() - suffix.size());
      if (!outlet_ok(outlet)) return std::nullopt;
      return outlet;
    };
    if (top == ListsDir()) {
      if (auto o = strip(".md")) return make(Kind::kListPage, *o);
    } else if (top == StateDir()) {
      if (rel == PushRecordPath()) return make(Kind::kPushRecord);
      if (rel == MailStatePath()) return make(Kind::kMailState);
      if (auto o = strip(".complete.txt")) return make(Kind::kCompletionState, *o);
      if (auto o = strip(".tsv")) return make(Kind::kLegacyState, *o);
    } else if (top == FeedsDir()) {
      if (rel == AllFeedPath()) return make(Kind::kAllFeed);
      if (auto o = strip(".xml")) return make(Kind::kOutletFeed, *o);
    } else if (rel == BundleIndexPath()) {
      return make(Kind::kBundleIndex);
    }
    return std::nullopt;
  }
  if (parts.size() != 3 || !file_ok(parts[2])) return std::nullopt;
  std::string_view file = parts[2];
  // The bundles of every outlet together are under bundles/all/ ("all" is no outlet's name).
  if (top == BundlesDir() && (name == "all" || outlet_ok(name)) && (EndsWith(file, ".epub") || EndsWith(file, ".html"))) {
    return make(Kind::kBundle, name, file);
  }
  if (!outlet_ok(name)) return std::nullopt;
  if (top == ArticlesDir() && EndsWith(file, ".md")) return make(Kind::kArticle, name, file);
  if (top == ListsDir() && EndsWith(file, ".md")) return make(Kind::kMonthPage, name, file);
  if (top == StateDir() && EndsWith(file, ".tsv")) return make(Kind::kStateFile, name, file);
  if (top == AssetsDir()) return make(Kind::kAsset, name, file);
  return std::nullopt;
}

// ---- A site ----

std::string SiteManifestPath() { return ".newsmirror-site.tsv"; }
std::string SiteHomePath() { return "index.html"; }
std::string SiteSearchPagePath() { return "search.html"; }
std::string SiteStyleSheetPath() { return "assets/site.css"; }
std::string SiteSearchScriptPath() { return "assets/search.js"; }
std::string SiteAllFeedPath() { return SiteFeedPath("all"); }
std::string SiteOutletDir(std::string_view outlet) { return "outlets/" + std::string(outlet); }
std::string SiteFeedPath(std::string_view outlet) { return "feeds/" + std::string(outlet) + ".xml"; }
std::string SiteImageDir(std::string_view outlet) { return "images/" + std::string(outlet); }
std::string SiteTextDir() { return "text"; }
std::string SiteTextHomePath() { return SiteTextDir() + "/index.html"; }
std::string SiteTextOutletDir(std::string_view outlet) { return SiteTextDir() + "/" + std::string(outlet); }
std::string SiteImagePath(std::string_view outlet, std::string_view file) {
  return SiteImageDir(outlet) + "/" + std::string(file);
}
std::string SitePostPath(std::string_view day, std::string_view outlet, int64_t id) {
  return "_posts/" + std::string(day) + "-" + std::string(outlet) + "-" + std::to_string(id) + ".html";
}

namespace {

// Relative, each component passing CheckFileName.
Status CheckPlainPath(std::string_view rel) {
  if (Status s = CheckRelativePath(rel); !s.ok()) return s;
  for (size_t start = 0;;) {
    size_t slash = rel.find('/', start);
    std::string_view part = rel.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (Status s = CheckFileName(part); !s.ok()) {
      return Status::InvalidArgument("refused the path \"" + std::string(rel) + "\": " + s.message());
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::Ok();
}

}  // namespace

Status CheckSitePath(std::string_view rel) { return CheckPlainPath(rel); }

Status CheckUserFilePath(std::string_view rel) { return CheckPlainPath(rel); }

Status CheckSiteFolder(const std::string& archive, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto resolved = [&](const std::string& p) {
    fs::path abs = fs::absolute(p, ec);
    fs::path canon = fs::weakly_canonical(abs, ec);
    return (ec ? abs.lexically_normal() : canon).string();
  };
  std::string a = resolved(archive), o = resolved(out);
  while (a.size() > 1 && a.back() == '/') a.pop_back();
  while (o.size() > 1 && o.back() == '/') o.pop_back();
  auto inside = [](const std::string& inner, const std::string& outer) {
    return outer == "/" || (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                            inner[outer.size()] == '/');
  };
  std::string shown = "the site folder " + out;
  if (o == "/") return Status::InvalidArgument(shown + " is the file system's root");
  if (o == a) return Status::InvalidArgument(shown + " is the mirror " + archive + " itself");
  if (inside(o, a)) return Status::InvalidArgument(shown + " is inside the mirror " + archive);
  if (inside(a, o)) return Status::InvalidArgument(shown + " holds the mirror " + archive);
  return Status::Ok();
}

}  // namespace nm::layout
