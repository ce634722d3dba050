#include "util/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace nm {

namespace {
std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}
}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(Errno("cannot open", path));
    return Status::IoError(Errno("cannot open", path));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::IoError(Errno("cannot read", path));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, bool sync, const std::string& tmp_dir) {
  return WriteFileAtomic(path, std::vector<std::string_view>{data}, sync, tmp_dir);
}

Status WriteFileAtomic(const std::string& path, const std::vector<std::string_view>& pieces, bool sync,
                       const std::string& tmp_dir) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::filesystem::path target(path);
  // The temporary name is the target's name, cut so that it stays a legal
  // name (255 bytes) with its suffix even when the target's uses them all.
  std::string name = target.filename().string().substr(0, 200);
  std::string dir = tmp_dir.empty() ? target.parent_path().string() : tmp_dir;
  std::string tmp = (dir.empty() ? "" : dir + "/") + name + ".tmp-" + std::to_string(::getpid()) + "-" +
                    std::to_string(rng() % 1000000);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(Errno("cannot create", tmp));
  for (std::string_view data : pieces) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = Status::IoError(Errno("cannot write", path));
        ::close(fd);
        ::unlink(tmp.c_str());
        return s;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
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

}  // namespace nm
