#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace nm {

namespace {
std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// A temporary name beside `target` (a file name), cut so that it stays a
// legal name (255 bytes) with its suffix even when the target's uses them all.
std::string TmpName(std::string_view target) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::string(target.substr(0, 200)) + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(rng() % 1000000);
}

// Writes every piece to `fd`; `shown` names the file in the error.
Status WriteAllTo(int fd, const std::vector<std::string_view>& pieces, const std::string& shown) {
  for (std::string_view data : pieces) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(Errno("cannot write", shown));
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  return Status::Ok();
}

// Reads `fd` to its end into `out`. A regular file goes into one buffer of
// its size (one byte more, so that the read that finds the end needs no
// second buffer): no copy of a growing string, no pages touched twice. A file
// that grows meanwhile, or one that is no regular file, is read all the same.
bool ReadAllFrom(int fd, std::string& out) {
  struct stat st;
  size_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) size = static_cast<size_t>(st.st_size);
  out.clear();
  out.resize(size + 1);
  size_t used = 0;
  for (;;) {
    if (used == out.size()) out.resize(out.size() + std::max<size_t>(out.size(), 65536));
    ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return true;
}
}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(Errno("cannot open", path));
    return Status::IoError(Errno("cannot open", path));
  }
  std::string out;
  if (!ReadAllFrom(fd, out)) {
    Status s = Status::IoError(Errno("cannot read", path));
    ::close(fd);
    return s;
  }
  ::close(fd);
  return out;
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(Errno("cannot open", path));
    return Status::IoError(Errno("cannot open", path));
  }
  MappedFile f;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      f.map_ = map;
      f.size_ = static_cast<size_t>(st.st_size);
      ::close(fd);
      return f;
    }
  }
  bool read = ReadAllFrom(fd, f.read_);
  Status s = read ? Status::Ok() : Status::IoError(Errno("cannot read", path));
  ::close(fd);
  if (!s.ok()) return s;
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept : map_(o.map_), size_(o.size_), read_(std::move(o.read_)) {
  o.map_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (map_) ::munmap(map_, size_);
    map_ = o.map_;
    size_ = o.size_;
    read_ = std::move(o.read_);
    o.map_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (map_) ::munmap(map_, size_);
}

Status WriteFileAtomic(const std::string& path, std::string_view data, bool sync, const std::string& tmp_dir) {
  return WriteFileAtomic(path, std::vector<std::string_view>{data}, sync, tmp_dir);
}

Status WriteFileAtomic(const std::string& path, const std::vector<std::string_view>& pieces, bool sync,
                       const std::string& tmp_dir) {
  std::filesystem::path target(path);
  std::string dir = tmp_dir.empty() ? target.parent_path().string() : tmp_dir;
  std::string tmp = (dir.empty() ? "" : dir + "/") + TmpName(target.filename().string());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(Errno("cannot create", tmp));
  if (Status s = WriteAllTo(fd, pieces, path); !s.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (sync && ::fsync(fd) != 0) {
    Status s = Status::IoError(Errno("cannot sync", path));
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    Status s = Status::IoError(Errno("cannot write", path));
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::IoError(Errno("cannot rename to", path));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create folder " + dir + ": " + ec.message());
  return Status::Ok();
}


// ---- Paths below a root, links never followed ----

namespace {

// A descriptor closed on every way out.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::vector<std::string_view> Components(std::string_view rel) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) slash = rel.size();
    parts.push_back(rel.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string Shown(const std::string& root, std::string_view rel) {
  if (rel.empty()) return root;
  return root + "/" + std::string(rel);
}

PathKind KindOfMode(mode_t mode) {
  if (S_ISREG(mode)) return PathKind::kFile;
  if (S_ISDIR(mode)) return PathKind::kFolder;
  if (S_ISLNK(mode)) return PathKind::kLink;
  return PathKind::kOther;
}

// What `name` in `dir` is, without following it.
PathKind KindAt(int dir, const std::string& name, int64_t* size = nullptr) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return PathKind::kMissing;
  if (size) *size = S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : -1;
  return KindOfMode(st.st_mode);
}

Result<Fd> OpenRoot(const std::string& root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(Errno("cannot open folder", root));
    return Status::IoError(Errno("cannot open folder", root));
  }
  return Fd(fd);
}

// Opens the folder made of parts[0..n) below the root, each step without
// following links; with `create`, missing folders are made.
Result<Fd> OpenFolder(const std::string& root, const std::vector<std::string_view>& parts, size_t n, bool create) {
  auto dir = OpenRoot(root);
  if (!dir.ok()) {
    if (!create || dir.status().kind() != Status::Kind::kNotFound) return dir.status();
    if (Status s = MakeDirs(root); !s.ok()) return s;
    dir = OpenRoot(root);
    if (!dir.ok()) return dir.status();
  }
  Fd current = std::move(dir).value();
  std::string walked;
  for (size_t i = 0; i < n; ++i) {
    std::string name(parts[i]);
    walked += (i ? "/" : "") + name;
    int fd = ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        return Status::IoError(Errno("cannot create folder", Shown(root, walked)));
      }
      fd = ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound(Shown(root, walked) + ": no such folder");
      if (err == ELOOP || err == ENOTDIR) {
        PathKind kind = KindAt(current.get(), name);
        if (kind != PathKind::kFolder) return RefusedEntry(root, walked, kind);
      }
      errno = err;
      return Status::IoError(Errno("cannot open folder", Shown(root, walked)));
    }
    current = Fd(fd);
  }
  return current;
}

// The folder holding the last component of `rel`, and that component.
struct Parent {
  Fd dir;
  std::string name;
};

Result<Parent> OpenParent(const std::string& root, std::string_view rel, bool create) {
  if (Status s = CheckRelativePath(rel); !s.ok()) return s;
  std::vector<std::string_view> parts = Components(rel);
  auto dir = OpenFolder(root, parts, parts.size() - 1, create);
  if (!dir.ok()) return dir.status();
  return Parent{std::move(dir).value(), std::string(parts.back())};
}

Status RemoveTreeAt(int dir, const std::string& name, const std::string& shown) {
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    if (errno == ELOOP || errno == ENOTDIR) {
      if (::unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) return Status::IoError(Errno("cannot remove", shown));
      return Status::Ok();
    }
    return Status::IoError(Errno("cannot open folder", shown));
  }
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return Status::IoError(Errno("cannot read folder", shown));
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  Status result;
  for (const std::string& n : names) {
    Status s = RemoveTreeAt(::dirfd(d), n, shown + "/" + n);
    if (!s.ok() && result.ok()) result = s;
  }
  ::closedir(d);
  if (!result.ok()) return result;
  if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return Status::IoError(Errno("cannot remove folder", shown));
  }
  return Status::Ok();
}

}  // namespace

Status CheckRelativePath(std::string_view rel) {
  auto refuse = [&](const char* why) {
    return Status::InvalidArgument("refused the path \"" + std::string(rel) + "\": " + why);
  };
  if (rel.empty()) return refuse("it is empty");
  if (rel.front() == '/') return refuse("it is absolute");
  if (rel.find('\0') != std::string_view::npos) return refuse("it contains a NUL byte");
  for (std::string_view part : Components(rel)) {
    if (part.empty()) return refuse("it has an empty component");
    if (part == "." || part == "..") return refuse("it has a \".\" or \"..\" component");
  }
  return Status::Ok();
}

Status RefusedEntry(const std::string& root, std::string_view rel, PathKind kind) {
  std::string shown = Shown(root, rel);
  if (kind == PathKind::kLink) {
    return Status::Corruption(shown + " is a symbolic link; newsmirror never follows links inside " + root +
                              " (remove it)");
  }
  if (kind == PathKind::kFile) return Status::Corruption(shown + " is a file where a folder belongs");
  if (kind == PathKind::kFolder) return Status::Corruption(shown + " is a folder where a file belongs");
  return Status::Corruption(shown + " is not a regular file or folder");
}

Result<PathKind> KindBelow(const std::string& root, std::string_view rel) {
  auto parent = OpenParent(root, rel, false);
  if (!parent.ok()) {
    if (parent.status().kind() == Status::Kind::kNotFound) return PathKind::kMissing;
    return parent.status();
  }
  return KindAt(parent->dir.get(), parent->name);
}

bool FileExistsBelow(const std::string& root, std::string_view rel) {
  auto kind = KindBelow(root, rel);
  return kind.ok() && *kind == PathKind::kFile;
}

Result<int> OpenFileBelow(const std::string& root, std::string_view rel, int flags, int mode) {
  auto parent = OpenParent(root, rel, (flags & O_CREAT) != 0);
  if (!parent.ok()) return parent.status();
  int fd = ::openat(parent->dir.get(), parent->name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    int err = errno;
    std::string shown = Shown(root, rel);
    if (err == ENOENT) return Status::NotFound(shown + ": no such file");
    if (err == ELOOP || err == EISDIR || err == ENXIO) {
      PathKind kind = KindAt(parent->dir.get(), parent->name);
      if (kind != PathKind::kFile) return RefusedEntry(root, rel, kind);
    }
    errno = err;
    return Status::IoError(Errno("cannot open", shown));
  }
  // A FIFO or device opened for reading would block or read forever.
  struct stat st;
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    return RefusedEntry(root, rel, KindOfMode(st.st_mode));
  }
  return fd;
}

Result<std::string> ReadFileBelow(const std::string& root, std::string_view rel) {
  auto opened = OpenFileBelow(root, rel, O_RDONLY | O_NONBLOCK);
  if (!opened.ok()) return opened.status();
  Fd fd(*opened);
  std::string out;
  if (!ReadAllFrom(fd.get(), out)) return Status::IoError(Errno("cannot read", Shown(root, rel)));
  return out;
}

Status WriteFileBelow(const std::string& root, std::string_view rel, std::string_view data, bool sync,
                      std::string_view tmp_rel) {
  return WriteFileBelow(root, rel, std::vector<std::string_view>{data}, sync, tmp_rel);
}

Status WriteFileBelow(const std::string& root, std::string_view rel, const std::vector<std::string_view>& pieces,
                      bool sync, std::string_view tmp_rel) {
  auto parent = OpenParent(root, rel, true);
  if (!parent.ok()) return parent.status();
  const std::string shown = Shown(root, rel);
  PathKind existing = KindAt(parent->dir.get(), parent->name);
  if (existing != PathKind::kMissing && existing != PathKind::kFile) return RefusedEntry(root, rel, existing);
  Fd tmp_dir;
  if (!tmp_rel.empty()) {
    if (Status s = CheckRelativePath(tmp_rel); !s.ok()) return s;
    std::vector<std::string_view> parts = Components(tmp_rel);
    auto dir = OpenFolder(root, parts, parts.size(), true);
    if (!dir.ok()) return dir.status();
    tmp_dir = std::move(dir).value();
  }
  int tmp_at = tmp_rel.empty() ? parent->dir.get() : tmp_dir.get();
  std::string tmp = TmpName(parent->name);
  Fd fd(::openat(tmp_at, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Status::IoError(Errno("cannot create a temporary file for", shown));
  Status s = WriteAllTo(fd.get(), pieces, shown);
  if (s.ok() && sync && ::fsync(fd.get()) != 0) s = Status::IoError(Errno("cannot sync", shown));
  if (s.ok() && ::close(fd.release()) != 0) s = Status::IoError(Errno("cannot write", shown));
  // rename() replaces the name itself: a link swapped in meanwhile is
  // replaced, never written through.
  if (s.ok() && ::renameat(tmp_at, tmp.c_str(), parent->dir.get(), parent->name.c_str()) != 0) {
    s = Status::IoError(Errno("cannot rename to", shown));
  }
  if (!s.ok()) ::unlinkat(tmp_at, tmp.c_str(), 0);
  return s;
}

Status RemoveFileBelow(const std::string& root, std::string_view rel) {
  auto parent = OpenParent(root, rel, false);
  if (!parent.ok()) return parent.status().kind() == Status::Kind::kNotFound ? Status::Ok() : parent.status();
  if (KindAt(parent->dir.get(), parent->name) == PathKind::kFolder) {
    return RefusedEntry(root, rel, PathKind::kFolder);
  }
  if (::unlinkat(parent->dir.get(), parent->name.c_str(), 0) != 0 && errno != ENOENT) {
    return Status::IoError(Errno("cannot remove", Shown(root, rel)));
  }
  return Status::Ok();
}

Status RemoveTreeBelow(const std::string& root, std::string_view rel) {
  auto parent = OpenParent(root, rel, false);
  if (!parent.ok()) return parent.status().kind() == Status::Kind::kNotFound ? Status::Ok() : parent.status();
  return RemoveTreeAt(parent->dir.get(), parent->name, Shown(root, rel));
}

Status MakeDirsBelow(const std::string& root, std::string_view rel) {
  if (Status s = CheckRelativePath(rel); !s.ok()) return s;
  std::vector<std::string_view> parts = Components(rel);
  auto dir = OpenFolder(root, parts, parts.size(), true);
  return dir.ok() ? Status::Ok() : dir.status();
}

Result<std::vector<FolderEntry>> ListFolderBelow(const std::string& root, std::string_view rel) {
  std::vector<std::string_view> parts;
  if (!rel.empty()) {
    if (Status s = CheckRelativePath(rel); !s.ok()) return s;
    parts = Components(rel);
  }
  auto dir = OpenFolder(root, parts, parts.size(), false);
  if (!dir.ok()) return dir.status();
  DIR* d = ::fdopendir(dir->get());
  if (!d) return Status::IoError(Errno("cannot read folder", Shown(root, rel)));
  dir->release();  // closedir closes it
  std::vector<FolderEntry> entries;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    FolderEntry entry;
    entry.kind = KindAt(::dirfd(d), name, &entry.size);
    entry.name = std::move(name);
    entries.push_back(std::move(entry));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return Status::IoError(Errno("cannot read folder", Shown(root, rel)));
  }
  std::sort(entries.begin(), entries.end(),
            [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return entries;
}

}  // namespace nm
