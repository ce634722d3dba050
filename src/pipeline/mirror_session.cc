#include "pipeline/mirror_session.h"

#include "pipeline/journal.h"
#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {

Result<RunLock> OpenMirror(const std::string& root, bool recover, bool create_repository, int* recovered) {
  if (Status s = MakeDirs(root); !s.ok()) return s;
  auto lock = RunLock::Acquire(root);
  if (!lock.ok()) return lock.status();
  if (recover) {
    if (Status s = RecoverJournal(root, recovered); !s.ok()) return s;
  }
  if (create_repository) {
    if (Status s = EnsureRepository(root); !s.ok()) return s;
  }
  return lock;
}

Publication Publish(const std::string& root, const RunLock& lock, const std::string& message, bool commit,
                    bool push, const std::vector<std::string>& remotes) {
  Publication p;
  if (commit) {
    TestPausePoint("before-commit");
    CommitOptions options;
    options.remove_locks_before_ns = lock.acquired_ns();
    auto files = UncommittedFiles(root);
    if (!files.ok()) {
      p.commit_status = files.status();
      return p;
    }
    options.files = std::move(files).value();
    auto c = Commit(root, message, options);
    if (!c.ok()) {
      p.commit_status = c.status();
    } else if (Status s = ForgetUncommitted(root); !s.ok()) {
      p.commit_status = s;
    } else {
      p.committed = c->committed;
      p.commit = c->oid;
    }
  }
  if (push && p.commit_status.ok()) p.pushes = Push(root, remotes);
  return p;
}

}  // namespace nm
