#include "pipeline/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <set>

#include "layout/layout.h"
#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {

namespace {

constexpr std::string_view kMagic = "newsmirror-journal v1\n";
constexpr std::string_view kEnd = "end\n";
// In place of a size: the file is deleted.
constexpr std::string_view kRemoved = "-";

// The journal as pieces that point into `writes` and `sizes`: a run's files
// are never copied into one more buffer.
std::vector<std::string_view> Serialize(const std::vector<PlannedWrite>& writes, std::vector<std::string>& sizes) {
  sizes.clear();
  sizes.reserve(writes.size());
  std::vector<std::string_view> out;
  out.reserve(writes.size() * 6 + 2);
  out.push_back(kMagic);
  for (const PlannedWrite& w : writes) {
    out.push_back(w.path);
    if (w.remove) {
      out.push_back("\n");
      out.push_back(kRemoved);
      out.push_back("\n");
      continue;
    }
    sizes.push_back("\n" + std::to_string(w.data.size()) + "\n");
    out.push_back(sizes.back());
    out.push_back(w.data);
    out.push_back("\n");
  }
  out.push_back(kEnd);
  return out;
}

// The data of one entry whose size line ends at `nl`; false when damaged.
bool ReadData(std::string_view& text, size_t nl, std::string& data) {
  size_t size = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + nl, size);
  if (ec != std::errc() || p != text.data() + nl) return false;
  text.remove_prefix(nl + 1);
  if (text.size() < size + 1 || text[size] != '\n') return false;
  data = std::string(text.substr(0, size));
  text.remove_prefix(size + 1);
  return true;
}

// Reads a journal; false when it is incomplete or damaged.
bool Deserialize(std::string_view text, std::vector<PlannedWrite>& writes) {
  if (text.substr(0, kMagic.size()) != kMagic) return false;
  text.remove_prefix(kMagic.size());
  while (!text.empty()) {
    if (text == kEnd) return true;
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    PlannedWrite w;
    w.path = std::string(text.substr(0, nl));
    text.remove_prefix(nl + 1);
    nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    if (text.substr(0, nl) == kRemoved) {
      w.remove = true;
      text.remove_prefix(nl + 1);
    } else if (!ReadData(text, nl, w.data)) {
      return false;
    }
    // Paths come from this program: a journal naming any other path than the
    // mirror's own files (layout.h) is damaged or hostile, and none of it is
    // replayed.
    if (!layout::ParseMirrorPath(w.path)) return false;
    writes.push_back(std::move(w));
  }
  return false;
}

Status WriteAll(const std::string& root, const std::vector<PlannedWrite>& writes) {
  for (size_t i = 0; i < writes.size(); ++i) {
    const PlannedWrite& w = writes[i];
    if (i == writes.size() / 2) TestPausePoint("mid-write");
    if (w.remove) {
      // Replaying a journal may delete a file a second time.
      if (Status s = RemoveFileBelow(root, w.path); !s.ok()) return s;
      continue;
    }
    // No fsync per file: the journal already holds the bytes, and one syncfs
    // below covers them all.
    if (Status s = WriteFileBelow(root, w.path, w.data, /*sync=*/false, layout::TmpDir()); !s.ok()) return s;
  }
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  return Status::Ok();
}

// Each path is one of the mirror's files (layout.h), no two are a file and a
// folder at once, and nothing on the disk stands in the way: a link or a file
// where a folder belongs, a link or a folder where the file goes. Checked
// before the journal, so a write that could never be carried out leaves no
// journal that every later run would fail to replay.
Status CheckWrites(const std::string& root, const std::vector<PlannedWrite>& writes) {
  std::set<std::string_view> files;
  for (const PlannedWrite& w : writes) files.insert(w.path);
  for (const PlannedWrite& w : writes) {
    if (!layout::ParseMirrorPath(w.path)) {
      return Status::Internal("refused to write " + w.path + ": it is not a path of the mirror's layout");
    }
    for (size_t slash = w.path.find('/'); slash != std::string::npos; slash = w.path.find('/', slash + 1)) {
      if (files.count(std::string_view(w.path).substr(0, slash))) {
        return Status::Internal("refused to write " + w.path + ": " + w.path.substr(0, slash) +
                                " is written as a file too");
      }
    }
    auto kind = KindBelow(root, w.path);
    if (!kind.ok()) return kind.status();
    if (*kind != PathKind::kMissing && *kind != PathKind::kFile) return RefusedEntry(root, w.path, *kind);
  }
  return Status::Ok();
}

Status AddUncommitted(const std::string& root, const std::vector<PlannedWrite>& writes) {
  auto known = UncommittedFiles(root);
  if (!known.ok()) return known.status();
  std::set<std::string> paths(known->begin(), known->end());
  size_t before = paths.size();
  for (const PlannedWrite& w : writes) paths.insert(w.path);
  if (paths.size() == before) return Status::Ok();
  std::string text;
  for (const std::string& p : paths) text += p + "\n";
  return WriteFileBelow(root, layout::UncommittedPath(), text, /*sync=*/true, layout::TmpDir());
}

}  // namespace

Result<std::vector<std::string>> UncommittedFiles(const std::string& root) {
  std::vector<std::string> paths;
  auto text = ReadFileBelow(root, layout::UncommittedPath());
  if (!text.ok()) {
    if (text.status().kind() == Status::Kind::kNotFound) return paths;
    return text.status();
  }
  size_t start = 0;
  while (start < text->size()) {
    size_t nl = text->find('\n', start);
    if (nl == std::string::npos) nl = text->size();
    // Only the mirror's own files are committed: any other path comes from a
    // damaged or hostile list.
    std::string p = text->substr(start, nl - start);
    if (layout::ParseMirrorPath(p)) paths.push_back(std::move(p));
    start = nl + 1;
  }
  return paths;
}

Status ForgetUncommitted(const std::string& root) { return RemoveFileBelow(root, layout::UncommittedPath()); }

Status ApplyWrites(const std::string& root, const std::vector<PlannedWrite>& writes) {
  if (writes.empty()) return Status::Ok();
  Status s = CheckWrites(root, writes);
  if (!s.ok()) return s.With("the mirror cannot be written (nothing was changed)");
  s = MakeDirsBelow(root, layout::TmpDir());
  if (!s.ok()) return s;
  std::string journal = root + "/" + layout::JournalPath();
  s = AddUncommitted(root, writes);
  if (!s.ok()) return s.With("cannot record the files to commit (nothing was changed)");
  TestPausePoint("before-journal");
  std::vector<std::string> sizes;
  s = WriteFileBelow(root, layout::JournalPath(), Serialize(writes, sizes), /*sync=*/true, layout::TmpDir());
  if (!s.ok()) return s.With("cannot write the run's journal (nothing was changed)");
  TestPausePoint("journal-written");
  s = WriteAll(root, writes);
  if (!s.ok()) {
    return s.With("writing the mirror failed part-way; the journal " + journal +
                  " is kept and the next run completes it");
  }
  TestPausePoint("files-written");
  return RemoveFileBelow(root, layout::JournalPath());
}

Status RecoverJournal(const std::string& root, int* replayed) {
  *replayed = 0;
  // Temporary files of a killed run: nothing refers to them.
  (void)RemoveTreeBelow(root, layout::TmpDir());
  std::string journal = root + "/" + layout::JournalPath();
  auto text = ReadFileBelow(root, layout::JournalPath());
  if (!text.ok()) {
    return text.status().kind() == Status::Kind::kNotFound ? Status::Ok() : text.status();
  }
  std::vector<PlannedWrite> writes;
  if (Deserialize(*text, writes)) {
    Status s = WriteAll(root, writes);
    if (!s.ok()) return s.With("cannot complete the interrupted run from " + journal);
    *replayed = static_cast<int>(writes.size());
  }
  return RemoveFileBelow(root, layout::JournalPath());
}

}  // namespace nm
