// Only one run at a time on one mirror: an exclusive lock on
// .newsmirror/lock, which the kernel releases when the holder exits or dies.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace nm {

class RunLock {
 public:
  RunLock() = default;
  RunLock(RunLock&& o) noexcept : fd_(o.fd_), acquired_ns_(o.acquired_ns_) { o.fd_ = -1; }
  RunLock& operator=(RunLock&& o) noexcept;
  ~RunLock();
  // kBusy when another process holds it.
  static Result<RunLock> Acquire(const std::string& root);
  // The wall-clock time (ns since the Unix epoch) just before the lock was
  // taken: a git lock file older than this was left by a killed process.
  int64_t acquired_ns() const { return acquired_ns_; }

 private:
  int fd_ = -1;
  int64_t acquired_ns_ = 0;
};

}  // namespace nm
