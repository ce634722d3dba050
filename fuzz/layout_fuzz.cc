// libFuzzer target: the mirror's path policy (scripts/fuzz.sh layout). The
// input is up to eight names, one a line; each is normalized as an outlet
// name and checked as a file name, and the names accepted are added to one
// OutletNameSet. The promises checked:
//   - normalization is idempotent, and what it accepts is NFC and passes
//     CheckOutletName (and what CheckOutletName accepts normalizes to itself);
//   - every path derived from an accepted name (the mirror's and the site's)
//     is a plain relative path inside the root, NFC, with the name as one
//     whole component, and the mirror's files parse back (ParseMirrorPath) to
//     the same outlet and file;
//   - two different names the set accepted never derive the same path, nor a
//     path inside the other's folder, once case and normalization are folded
//     as a file system may fold them, and none derives a path of the mirror's
//     or the site's own files;
//   - a file name CheckFileName accepts is one component that an asset path
//     (and, ending in .md, an article path) parses back to.
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "layout/layout.h"
#include "util/fs.h"

namespace {

namespace layout = nm::layout;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "layout_fuzz: %s\ninput: %.*s\n", what.c_str(), static_cast<int>(input.size()), input.data());
  std::abort();
}

bool IsNfc(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return false;
  bool normal = nfc->isNormalized(icu::UnicodeString::fromUTF8(s), err);
  return U_SUCCESS(err) && normal;
}

// A path and whether it names a folder.
struct Derived {
  std::string path;
  bool folder;
  char tree;  // 'm' the mirror, 's' the site
};

std::vector<Derived> PathsOf(const std::string& o) {
  return {
      {layout::ArticleDir(o), true, 'm'},
      {layout::ArticlePath(o, "1048574_t.md"), false, 'm'},
      {layout::ListPagePath(o), false, 'm'},
      {layout::MonthPagesDir(o), true, 'm'},
      {layout::MonthPagePath(o, "2024-01"), false, 'm'},
      {layout::OutletStateDir(o), true, 'm'},
      {layout::OutletFeedStatePath(o), false, 'm'},
      {layout::OutletStateChunkPath(o, 10485), false, 'm'},
      {layout::LegacyOutletStatePath(o), false, 'm'},
      {layout::CompletionStatePath(o), false, 'm'},
      {layout::AssetDir(o), true, 'm'},
      {layout::AssetPath(o, "0f3a.jpg"), false, 'm'},
      {layout::OutletFeedPath(o), false, 'm'},
      {layout::KeyCachePath(o), false, 'm'},
      {layout::SiteOutletDir(o), true, 's'},
      {layout::SiteOutletDir(o) + "/index.html", false, 's'},
      {layout::SiteFeedPath(o), false, 's'},
      {layout::SiteImageDir(o), true, 's'},
      {layout::SiteImagePath(o, "0f3a.jpg"), false, 's'},
  };
}

const std::vector<Derived>& OwnFiles() {
  static const std::vector<Derived> own = {
      {layout::ReadmePath(), false, 'm'},          {layout::AllFeedPath(), false, 'm'},
      {layout::LockPath(), false, 'm'},            {layout::JournalPath(), false, 'm'},
      {layout::SiteAllFeedPath(), false, 's'},     {layout::SiteStyleSheetPath(), false, 's'},
      {layout::SiteSearchScriptPath(), false, 's'}, {layout::SiteHomePath(), false, 's'},
  };
  return own;
}

// `inner` is `outer` itself or inside the folder `outer`, folded.
bool Meets(const Derived& a, const Derived& b) {
  if (a.tree != b.tree) return false;
  std::string fa = layout::FoldName(a.path), fb = layout::FoldName(b.path);
  if (fa == fb) return true;
  if (a.folder && fb.size() > fa.size() && fb.compare(0, fa.size(), fa) == 0 && fb[fa.size()] == '/') return true;
  if (b.folder && fa.size() > fb.size() && fa.compare(0, fb.size(), fb) == 0 && fa[fb.size()] == '/') return true;
  return false;
}

void CheckAccepted(const std::string& name, std::string_view input) {
  if (!IsNfc(name)) Fail("an accepted name is not NFC: " + name, input);
  for (const Derived& d : PathsOf(name)) {
    if (!nm::CheckRelativePath(d.path).ok()) Fail("a derived path leaves the root: " + d.path, input);
    if (!IsNfc(d.path)) Fail("a derived path is not NFC: " + d.path, input);
    // The name is one whole component of the path.
    bool whole = false;
    for (size_t start = 0;;) {
      size_t slash = d.path.find('/', start);
      std::string part = d.path.substr(start, slash == std::string::npos ? slash : slash - start);
      if (part.compare(0, name.size(), name) == 0 &&
          (part.size() == name.size() || part[name.size()] == '.' || part[name.size()] == '-')) {
        whole = true;
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (!whole) Fail("the name is not a component of " + d.path, input);
    if (d.tree == 'm' && !d.folder && d.path != layout::KeyCachePath(name)) {
      auto parsed = layout::ParseMirrorPath(d.path);
      if (!parsed || parsed->outlet != name) Fail("a derived path does not parse back: " + d.path, input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  for (size_t start = 0; start <= input.size() && lines.size() < 8;) {
    size_t nl = input.find('\n', start);
    if (nl == std::string_view::npos) nl = input.size();
    lines.emplace_back(input.substr(start, nl - start));
    start = nl + 1;
  }
  layout::OutletNameSet set;
  std::vector<std::string> accepted;
  for (const std::string& line : lines) {
    // As a file name.
    if (layout::CheckFileName(line).ok()) {
      if (line.find('/') != std::string::npos || !nm::CheckRelativePath(line).ok()) {
        Fail("an accepted file name is not one component: " + line, input);
      }
      // Any file name is a stored image's; one ending in .md an article's too.
      auto asset = layout::ParseMirrorPath(layout::AssetPath("x", line));
      if (!asset || asset->kind != layout::MirrorFile::Kind::kAsset || asset->file != line) {
        Fail("an accepted file name does not parse back as an asset: " + line, input);
      }
      if (line.size() > 3 && line.compare(line.size() - 3, 3, ".md") == 0) {
        auto article = layout::ParseMirrorPath(layout::ArticlePath("x", line));
        if (!article || article->kind != layout::MirrorFile::Kind::kArticle || article->file != line) {
          Fail("an accepted article file name does not parse back: " + line, input);
        }
      }
    }
    // As an outlet name.
    bool valid = layout::CheckOutletName(line).ok();
    auto normal = layout::NormalizeOutletName(line);
    if (valid && (!normal.ok() || *normal != line)) Fail("a valid name does not normalize to itself: " + line, input);
    if (!normal.ok()) continue;
    if (!layout::CheckOutletName(*normal).ok()) Fail("a normalized name is not valid: " + *normal, input);
    auto again = layout::NormalizeOutletName(*normal);
    if (!again.ok() || *again != *normal) Fail("normalization is not idempotent: " + line, input);
    CheckAccepted(*normal, input);
    for (const Derived& own : OwnFiles()) {
      for (const Derived& d : PathsOf(*normal)) {
        if (Meets(d, own)) {
          // The set must refuse such a name whatever came before.
          layout::OutletNameSet alone;
          if (alone.Add(*normal).ok()) Fail("a name meets " + own.path + ": " + *normal, input);
        }
      }
    }
    if (!set.Add(*normal).ok()) continue;
    if (!set.Contains(*normal)) Fail("an added name is not in the set: " + *normal, input);
    bool again_in = false;
    for (const std::string& a : accepted) again_in |= a == *normal;
    if (!again_in) accepted.push_back(*normal);
  }
  for (size_t i = 0; i < accepted.size(); ++i) {
    for (size_t j = i + 1; j < accepted.size(); ++j) {
      for (const Derived& a : PathsOf(accepted[i])) {
        for (const Derived& b : PathsOf(accepted[j])) {
          if (Meets(a, b)) Fail("'" + accepted[i] + "' and '" + accepted[j] + "' meet at " + a.path + " / " + b.path, input);
        }
      }
    }
  }
  return 0;
}
