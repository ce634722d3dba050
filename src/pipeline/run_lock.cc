#include "pipeline/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "layout/layout.h"
#include "util/fs.h"

namespace nm {

RunLock& RunLock::operator=(RunLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    acquired_ns_ = o.acquired_ns_;
    o.fd_ = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<RunLock> RunLock::Acquire(const std::string& root) {
  int64_t before_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string path = root + "/" + layout::LockPath();
  // Opened without following a link: a lock linked to another file would
  // have that file truncated below.
  auto opened = OpenFileBelow(root, layout::LockPath(), O_RDWR | O_CREAT);
  if (!opened.ok()) return opened.status();
  int fd = *opened;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Busy("another newsmirror run is working on " + root + " (lock " + path + ")");
    }
    return Status::IoError("cannot lock " + path + ": " + std::strerror(err));
  }
  // The holder's pid, for an operator who wonders who holds it.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::write(fd, pid.data(), pid.size());
  RunLock lock;
  lock.fd_ = fd;
  lock.acquired_ns_ = before_ns;
  return lock;
}

}  // namespace nm
