// Only one run at a time on one mirror: an exclusive lock on
// .newsmirror/lock, which the kernel releases when the holder exits or dies.
#pragma once

#include <string>

#include "util/status.h"

namespace nm {

class RunLock {
 public:
  RunLock() = default;
  RunLock(RunLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  RunLock& operator=(RunLock&& o) noexcept;
  ~RunLock();
  // kBusy when another process holds it.
  static Result<RunLock> Acquire(const std::string& root);

 private:
  int fd_ = -1;
};

}  // namespace nm
