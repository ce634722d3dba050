// The mirror's copies ([publish] mirrors): every page a reader can land on
// names all of them, so that a reader who finds one copy (a git host, a
// static site) finds the rest when a host is blocked or takes it down.
//
// One place writes the list in each form newsmirror publishes: Markdown (the
// README, list and monthly pages), HTML (the site, serve, digests) and plain
// text (digests). Each form is empty when no copy is configured, so a mirror
// without copies keeps its bytes. A copy is checked once, when the
// configuration is read (CheckMirrorCopy): a name of plain text and an
// absolute http(s) URL without credentials, in the form a browser shows
// (url/url.h) with "(" and ")" percent-encoded; the Markdown writer writes
// each as archive/markdown.h writes every link (exactly one link per copy),
// and the HTML writer escapes everything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

struct MirrorCopy {
  std::string name;      // shown to readers: "GitHub", "Codeberg", "网站"
  std::string url;       // the copy's front page (a repository, a site's root)
  // Where an article is in this copy: a URL with {path} (the article's file,
  // articles/{outlet}/{file}, each segment percent-encoded), {outlet}, {file}
  // (percent-encoded) and {id}; "" when articles are not linked one by one.
  std::string article;
};

inline constexpr std::string_view kMirrorCopiesHeading = "其他镜像";
inline constexpr std::string_view kMirrorCopiesNote = "若本页被封锁，请访问：";

// Checks `copy` and brings its URLs to their stored form (normalized,
// "(" and ")" percent-encoded). InvalidArgument says what is wrong with
// which field, without the file (the caller names it).
Status CheckMirrorCopy(MirrorCopy& copy);

// "\n## 其他镜像\n\n若本页被封锁，请访问：\n\n- [name](url)\n…" ("" for none):
// appended to a Markdown page after its last line.
std::string MirrorCopiesMarkdown(const std::vector<MirrorCopy>& copies);
// <nav class="mirrors">…</nav> with a heading, the note and a list of links
// ("" for none); valid HTML and well-formed XHTML.
std::string MirrorCopiesHtml(const std::vector<MirrorCopy>& copies);
// The heading, the note, then "  name: url" a line each ("" for none).
std::string MirrorCopiesText(const std::vector<MirrorCopy>& copies);

// The article's URL in `copy`, or nullopt when the copy links no articles.
std::optional<std::string> ArticleUrlInCopy(const MirrorCopy& copy, std::string_view outlet,
                                            std::string_view file, int64_t id);

}  // namespace nm
