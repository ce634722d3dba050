#include "pipeline/mirror_session.h"

#include "pipeline/journal.h"
#include "util/fs.h"

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

Publication Publish(const std::string& root, const std::string& message, bool commit, bool push,
                    const std::vector<std::string>& remotes) {
  Publication p;
  if (commit) {
    auto c = Commit(root, message);
    if (!c.ok()) {
      p.commit_status = c.status();
    } else {
      p.committed = c->committed;
      p.commit = c->oid;
    }
  }
  if (push && p.commit_status.ok()) p.pushes = Push(root, remotes);
  return p;
}

}  // namespace nm
