// Every path of a mirror and of a site, made in one place from checked parts.
//
// A mirror's folders come from a git repository other people commit to, its
// outlet names from a configuration or from the host of a page anyone may ask
// `add` to archive, and it is checked out on Linux, macOS and Windows. So the
// names below are the only way newsmirror names a file of a mirror or a site,
// and the parts they are made of are checked by the same rules on read as on
// write:
//   - CheckOutletName: a name that is one folder and one file name everywhere
//     (no separator, "..", leading dot, control character, trailing dot or
//     space, Windows device name, bidirectional override, name of only
//     invisible characters), in Unicode NFC; NormalizeOutletName makes the NFC
//     form first.
//   - CheckFileName: one file name inside an outlet's folder.
//   - OutletNameSet: outlets whose derived paths would meet (lists/{a}.md and
//     lists/{b}/ for b = a + ".md", state/{a}.complete.txt and state/{b}/,
//     names equal once case and normalization are folded, as macOS and
//     Windows file systems fold them) are refused before anything is written.
//   - ParseMirrorPath: the inverse of the names, for paths read back from the
//     journal, the list of uncommitted files and planned writes: a path it
//     does not recognize is not one newsmirror writes.
// Paths are relative to the mirror's (or site's) root, '/'-separated; the
// files behind them are opened through util/fs.h's *Below functions, which
// refuse symbolic links.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm::layout {

// ---- Names ----

// Longest outlet name: its longest derived file name, "{outlet}.complete.txt",
// stays far below the 255 bytes of a file name.
inline constexpr size_t kMaxOutletNameBytes = 120;

// Ok when `name` can be an outlet's name; else InvalidArgument saying why
// ("it ends with a dot", …), without the name (the caller names it).
Status CheckOutletName(std::string_view name);
// The NFC form of `name`, once it passes CheckOutletName.
Result<std::string> NormalizeOutletName(std::string_view name);
// Ok when `name` can be one file's name in a mirror or a site (an article,
// a state chunk, an asset, a page): the rules of CheckOutletName for a single
// file name on Linux, macOS and Windows, up to 255 bytes, in any
// normalization form and with any visible characters.
Status CheckFileName(std::string_view name);
// Whether code point `c` may stand in such a name: no NUL or other control
// (C0, DEL, C1), none of / \ : * ? " < > |, no noncharacter. Writers that
// make a name from text (ArticleFileName) keep only these, so that what they
// write CheckFileName accepts on read.
bool IsFileNameCharacter(int32_t c);
// `name` as a case- and normalization-insensitive file system may see it
// (NFKC case folding, default-ignorable characters dropped): two outlets
// whose folded names are equal cannot live in one mirror.
std::string FoldName(std::string_view name);

// The outlets of one mirror, added one by one; each name must already pass
// CheckOutletName. Add refuses a name whose derived paths (the mirror's and
// the site's, compared folded) equal one of another outlet already added,
// with a message naming both outlets and the path; adding a name twice is
// fine.
class OutletNameSet {
 public:
  Status Add(std::string_view name);
  bool Contains(std::string_view name) const;
  // Ok when `name` can join the outlets `others` (each judged beside `name`
  // alone, so a conflict among `others` is not `name`'s); else the first
  // conflict, as Add words it.
  static Status CheckBeside(std::string_view name, const std::vector<std::string>& others);

 private:
  // Folded derived path → (outlet, the path as written).
  std::map<std::string, std::pair<std::string, std::string>> paths_;
  std::map<std::string, bool, std::less<>> names_;
};

// Every name a path of the mirror at `root` gives to an outlet (articles/{o}/,
// lists/{o}.md and lists/{o}/, state/{o}/, state/{o}.tsv,
// state/{o}.complete.txt, assets/{o}/, feeds/{o}.xml), whatever kind of entry
// holds it, that passes CheckOutletName; sorted, each once.
std::vector<std::string> OutletsInMirror(const std::string& root);
// Ok when each path of `outlet` that exists in the mirror at `root` is what
// the layout says (a real folder or a real file; no symbolic link, no file
// where a folder belongs), so nothing of the outlet is written through a
// link or wedges a write; else Corruption naming the path.
Status CheckOutletPaths(const std::string& root, std::string_view outlet);

// ---- The mirror: relative to its root ----

std::string ReadmePath();                                         // README.md
std::string GitignorePath();                                      // .gitignore
std::string ArticlesDir();                                        // articles
std::string ArticleDir(std::string_view outlet);                  // articles/{outlet}
std::string ArticlePath(std::string_view outlet, std::string_view file);   // articles/{outlet}/{file}
std::string ListsDir();                                           // lists
std::string ListPagePath(std::string_view outlet);                // lists/{outlet}.md
std::string MonthPagesDir(std::string_view outlet);               // lists/{outlet}
std::string MonthPagePath(std::string_view outlet, std::string_view month);  // lists/{outlet}/{month}.md
std::string StateDir();                                           // state
std::string OutletStateDir(std::string_view outlet);              // state/{outlet}
std::string OutletFeedStatePath(std::string_view outlet);         // state/{outlet}/feed.tsv
std::string OutletStateChunkPath(std::string_view outlet, int64_t chunk);  // state/{outlet}/{chunk}.tsv
std::string LegacyOutletStatePath(std::string_view outlet);       // state/{outlet}.tsv (before the split)
std::string CompletionStatePath(std::string_view outlet);         // state/{outlet}.complete.txt
// Files of the whole mirror in state/, named so that no outlet's state
// (state/{o}/, state/{o}.tsv, state/{o}.complete.txt) can be one of them: an
// outlet named "pushes.txt" or "mail.txt" is refused (OutletNameSet).
std::string PushRecordPath();                                     // state/pushes.txt (run --push)
std::string MailStatePath();                                      // state/mail.txt ([mail] digests)
std::string AssetsDir();                                          // assets
std::string AssetDir(std::string_view outlet);                    // assets/{outlet}
std::string AssetPath(std::string_view outlet, std::string_view file);     // assets/{outlet}/{file}
std::string FeedsDir();                                           // feeds
std::string OutletFeedPath(std::string_view outlet);              // feeds/{outlet}.xml
std::string AllFeedPath();                                        // feeds/all.xml
// The git-ignored folder of one machine's run: lock, journal, caches.
std::string WorkDir();                                            // .newsmirror
std::string LockPath();                                           // .newsmirror/lock
std::string JournalPath();                                        // .newsmirror/journal
std::string UncommittedPath();                                    // .newsmirror/uncommitted
std::string CommitPendingPath();                                  // .newsmirror/commit (a commit under way)
std::string TmpDir();                                             // .newsmirror/tmp
std::string SearchIndexPath();                                    // .newsmirror/search.sqlite
std::string KeyCacheDir();                                        // .newsmirror/keys
std::string KeyCachePath(std::string_view outlet);                // .newsmirror/keys/{outlet}.bin
// The offline bundles of [bundle] (bundle/schedule.h); a scope is "all" or an
// outlet, a file "{period}.{epub|html}". The same names below [bundle] folder.
std::string BundlesDir();                                         // bundles
std::string BundleIndexPath();                                    // bundles/index.tsv
std::string BundlePath(std::string_view scope, std::string_view file);     // bundles/{scope}/{file}

// Ok when `rel` can name a file the mirror's users keep in it and the
// configuration names for newsmirror to read ([mail] to_file, attach):
// relative, each component passing CheckFileName (so no "..", nothing under
// .git/ or .newsmirror/). It is read through ReadFileBelow.
Status CheckUserFilePath(std::string_view rel);
// The work trees of the archive repositories a rollover writes
// (pipeline/rollover.h), each a git repository of its own.
std::string ArchivesDir();                                        // .newsmirror/archives
std::string ArchiveRepositoryDir(std::string_view name);          // .newsmirror/archives/{name}-{year}
// Left by a run that found the mirror over its [rollover] budget.
std::string RolloverDuePath();                                    // .newsmirror/rollover-due

// A file of the mirror that newsmirror writes, as ParseMirrorPath reads its path.
struct MirrorFile {
  enum class Kind {
    kReadme,
    kGitignore,
    kArticle,          // outlet, file
    kListPage,         // outlet
    kMonthPage,        // outlet, file ("{YYYY-MM}.md")
    kStateFile,        // outlet, file ("feed.tsv", "{chunk}.tsv")
    kLegacyState,      // outlet
    kCompletionState,  // outlet
    kPushRecord,
    kMailState,
    kAsset,            // outlet, file
    kOutletFeed,       // outlet
    kAllFeed,
    kBundleIndex,
    kBundle,           // outlet (the scope: "all" or an outlet), file
  };
  Kind kind = Kind::kReadme;
  std::string outlet;
  std::string file;
};
// The file `rel` names when it is one newsmirror writes, each part passing
// the checks above; nullopt for any other path ("../x", ".git/config",
// ".newsmirror/lock", "articles/x" …).
std::optional<MirrorFile> ParseMirrorPath(std::string_view rel);

// ---- A site (newsmirror site): relative to its folder ----

std::string SiteManifestPath();                                   // .newsmirror-site.tsv
std::string SiteHomePath();                                       // index.html
std::string SiteSearchPagePath();                                 // search.html
std::string SiteStyleSheetPath();                                 // assets/site.css
std::string SiteSearchScriptPath();                               // assets/search.js
std::string SiteAllFeedPath();                                    // feeds/all.xml
std::string SiteOutletDir(std::string_view outlet);               // outlets/{outlet}
std::string SiteFeedPath(std::string_view outlet);                // feeds/{outlet}.xml
std::string SiteImageDir(std::string_view outlet);                // images/{outlet}
// The text-only edition (site/pages.h): its home, and an outlet's pages and
// its articles' pages ({id}.html, {id}-{k}.html, index.html, page-{n}.html).
std::string SiteTextDir();                                        // text
std::string SiteTextHomePath();                                   // text/index.html
std::string SiteTextOutletDir(std::string_view outlet);           // text/{outlet}
// images/{outlet}/{file}: the site's copy of the mirror's assets/{outlet}/{file}.
std::string SiteImagePath(std::string_view outlet, std::string_view file);
// _posts/{day}-{outlet}-{id}.html, a Jekyll post (day "YYYY-MM-DD").
std::string SitePostPath(std::string_view day, std::string_view outlet, int64_t id);
// Ok when `rel` can be a page of a site: relative, each component passing
// CheckFileName (so no "..", no hidden file such as the manifest).
Status CheckSitePath(std::string_view rel);
// Ok when the site folder `out` can be written for the mirror at `archive`:
// InvalidArgument when it is the file system's root, the archive, inside it,
// or holds it (links and ".." resolved).
Status CheckSiteFolder(const std::string& archive, const std::string& out);

}  // namespace nm::layout
