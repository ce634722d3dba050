// Small file-system helpers with error values.
//
// WriteFileAtomic writes to a temporary file in the same folder, flushes it
// to disk and renames it over the target, so a reader (or a killed run) sees
// either the old file or the new one, never a part. With `tmp_dir`, the
// temporary file goes there instead (same file system), so that one killed
// mid-write is left in a folder its owner clears, not beside the target.
//
// The *Below functions reach a file through a folder other people can write
// to (a mirror's root, a site's folder) without ever following a symbolic
// link: `rel` is relative to `root`, each folder on the way is opened with
// openat(O_NOFOLLOW | O_DIRECTORY) from the one before and the last component
// with O_NOFOLLOW, so a link anywhere below the root (articles/x -> /etc, a
// lock file linked to ~/.bashrc) is refused with a message naming it, and no
// race can swap one in between a check and the use. `root` itself may be a
// link (the operator named it). `rel` must be a plain relative path: no empty
// component, no "." or "..", no NUL; anything else is refused before the disk
// is touched. Names are not judged here beyond that (layout/layout.h does).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

Result<std::string> ReadFile(const std::string& path);

// A file's bytes, read in place for one reader that goes through them once
// (a feed given on the command line): a regular file is mapped read-only, so
// its bytes are neither copied nor given fresh pages; anything else (a pipe,
// an empty file) is read into memory. The file must not be cut short while
// it is mapped (its pages would be gone).
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view bytes() const { return map_ ? std::string_view(static_cast<const char*>(map_), size_) : read_; }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
  std::string read_;  // when not mapped
};

Status WriteFileAtomic(const std::string& path, std::string_view data, bool sync = true,
                       const std::string& tmp_dir = "");
// The same for a file made of `pieces`, written one after another (no copy
// of the whole is ever made).
Status WriteFileAtomic(const std::string& path, const std::vector<std::string_view>& pieces, bool sync = true,
                       const std::string& tmp_dir = "");
// Creates `dir` and its parents.
Status MakeDirs(const std::string& dir);

// What a path below a root is, links not followed.
enum class PathKind { kMissing, kFile, kFolder, kLink, kOther };

// Ok when `rel` is a plain relative path (above); the refusal names it.
Status CheckRelativePath(std::string_view rel);
// The error for finding `kind` at `rel` below `root` where a real file or
// folder belongs: "{root}/{rel} is a symbolic link; newsmirror never follows
// links inside {root} (remove it)", "… is a file where a folder belongs", ….
Status RefusedEntry(const std::string& root, std::string_view rel, PathKind kind);

// kMissing also when a folder on the way is missing; an error when one on the
// way is a link or not a folder.
Result<PathKind> KindBelow(const std::string& root, std::string_view rel);
// A regular file reached without links.
bool FileExistsBelow(const std::string& root, std::string_view rel);
// NotFound when the file (or a folder on the way) is missing.
Result<std::string> ReadFileBelow(const std::string& root, std::string_view rel);
// Atomic like WriteFileAtomic; the folders on the way are created, and the
// temporary file goes to `tmp_rel` below the root (created) or, without one,
// beside the target. A link in the target's place is refused, not replaced.
Status WriteFileBelow(const std::string& root, std::string_view rel, const std::vector<std::string_view>& pieces,
                      bool sync = true, std::string_view tmp_rel = {});
Status WriteFileBelow(const std::string& root, std::string_view rel, std::string_view data, bool sync = true,
                      std::string_view tmp_rel = {});
// Ok when it is already missing. A link is removed itself (never its target).
Status RemoveFileBelow(const std::string& root, std::string_view rel);
// Removes a folder and everything in it (links in it are removed, never
// followed); ok when missing.
Status RemoveTreeBelow(const std::string& root, std::string_view rel);
// Creates the folder and those on the way.
Status MakeDirsBelow(const std::string& root, std::string_view rel);
// Opens (flags as open(2), O_NOFOLLOW and O_CLOEXEC added) the file; the
// caller closes the descriptor. With O_CREAT the folders on the way are made.
Result<int> OpenFileBelow(const std::string& root, std::string_view rel, int flags, int mode = 0644);

struct FolderEntry {
  std::string name;
  PathKind kind = PathKind::kOther;   // a link is kLink, whatever it points at
  int64_t size = -1;                  // bytes, for a file
};
// The entries of a folder below the root ("" is the root itself), sorted by
// name. NotFound when it is missing.
Result<std::vector<FolderEntry>> ListFolderBelow(const std::string& root, std::string_view rel);

}  // namespace nm
