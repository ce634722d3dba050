#include "pipeline/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <set>
#include <filesystem>

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
    // Paths come from this program, but a damaged journal must never write
    // outside the mirror.
    if (w.path.empty() || w.path[0] == '/' || w.path.find("..") != std::string::npos) return false;
    writes.push_back(std::move(w));
  }
  return false;
}

std::string TmpDir(const std::string& root) { return root + "/" + layout::TmpDir(); }

Status WriteAll(const std::string& root, const std::vector<PlannedWrite>& writes) {
  std::string tmp_dir = TmpDir(root);
  if (Status s = MakeDirs(tmp_dir); !s.ok()) return s;
  for (size_t i = 0; i < writes.size(); ++i) {
    const PlannedWrite& w = writes[i];
    if (i == writes.size() / 2) TestPausePoint("mid-write");
    std::string path = root + "/" + w.path;
    if (w.remove) {
      // Replaying a journal may delete a file a second time.
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Status::IoError("cannot remove " + path);
      continue;
    }
    Status s = MakeDirs(std::filesystem::path(path).parent_path().string());
    if (!s.ok()) return s;
    // No fsync per file: the journal already holds the bytes, and one syncfs
    // below covers them all.
    s = WriteFileAtomic(path, w.data, /*sync=*/false, tmp_dir);
    if (!s.ok()) return s;
  }
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  return Status::Ok();
}

std::string UncommittedPath(const std::string& root) { return root + "/" + layout::UncommittedPath(); }

Status AddUncommitted(const std::string& root, const std::vector<PlannedWrite>& writes) {
  auto known = UncommittedFiles(root);
  if (!known.ok()) return known.status();
  std::set<std::string> paths(known->begin(), known->end());
  size_t before = paths.size();
  for (const PlannedWrite& w : writes) paths.insert(w.path);
  if (paths.size() == before) return Status::Ok();
  std::string text;
  for (const std::string& p : paths) text += p + "\n";
  return WriteFileAtomic(UncommittedPath(root), text, /*sync=*/true, TmpDir(root));
}

}  // namespace

Result<std::vector<std::string>> UncommittedFiles(const std::string& root) {
  std::vector<std::string> paths;
  auto text = ReadFile(UncommittedPath(root));
  if (!text.ok()) {
    if (text.status().kind() == Status::Kind::kNotFound) return paths;
    return text.status();
  }
  size_t start = 0;
  while (start < text->size()) {
    size_t nl = text->find('\n', start);
    if (nl == std::string::npos) nl = text->size();
    // A path outside the mirror can only come from a damaged file.
    std::string p = text->substr(start, nl - start);
    if (!p.empty() && p[0] != '/' && p.find("..") == std::string::npos) paths.push_back(std::move(p));
    start = nl + 1;
  }
  return paths;
}

Status ForgetUncommitted(const std::string& root) {
  std::string path = UncommittedPath(root);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Status::IoError("cannot remove " + path);
  return Status::Ok();
}

Status ApplyWrites(const std::string& root, const std::vector<PlannedWrite>& writes) {
  if (writes.empty()) return Status::Ok();
  Status s = MakeDirs(TmpDir(root));
  if (!s.ok()) return s;
  std::string journal = root + "/" + layout::JournalPath();
  s = AddUncommitted(root, writes);
  if (!s.ok()) return s.With("cannot record the files to commit (nothing was changed)");
  TestPausePoint("before-journal");
  std::vector<std::string> sizes;
  s = WriteFileAtomic(journal, Serialize(writes, sizes), /*sync=*/true, TmpDir(root));
  if (!s.ok()) return s.With("cannot write the run's journal (nothing was changed)");
  TestPausePoint("journal-written");
  s = WriteAll(root, writes);
  if (!s.ok()) {
    return s.With("writing the mirror failed part-way; the journal " + journal +
                  " is kept and the next run completes it");
  }
  TestPausePoint("files-written");
  if (::unlink(journal.c_str()) != 0) return Status::IoError("cannot remove " + journal);
  return Status::Ok();
}

Status RecoverJournal(const std::string& root, int* replayed) {
  *replayed = 0;
  // Temporary files of a killed run: nothing refers to them.
  std::error_code ec;
  std::filesystem::remove_all(TmpDir(root), ec);
  std::string journal = root + "/" + layout::JournalPath();
  auto text = ReadFile(journal);
  if (!text.ok()) {
    return text.status().kind() == Status::Kind::kNotFound ? Status::Ok() : text.status();
  }
  std::vector<PlannedWrite> writes;
  if (Deserialize(*text, writes)) {
    Status s = WriteAll(root, writes);
    if (!s.ok()) return s.With("cannot complete the interrupted run from " + journal);
    *replayed = static_cast<int>(writes.size());
  }
  if (::unlink(journal.c_str()) != 0) return Status::IoError("cannot remove " + journal);
  return Status::Ok();
}

}  // namespace nm
