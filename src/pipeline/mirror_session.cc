#include "pipeline/mirror_session.h"

#include "pipeline/journal.h"
#include "publish/checkout.h"
#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {

namespace {

// A sparse checkout must hold what a run reads and rewrites in place; the
// rest (articles/, assets/) it reads from git when it needs it.
Status CheckCheckout(const std::string& root) {
  auto checkout = CheckoutOf(root);
  if (!checkout.ok()) return checkout.status().With(root);
  for (const char* folder : {"state", "lists", "feeds"}) {
    if (!checkout->HoldsAll(folder)) {
      return Status::InvalidArgument(std::string("the sparse checkout of ") + root + " leaves out " + folder +
                                     "/, which newsmirror reads from the work tree: git -C " + root +
                                     " sparse-checkout add " + folder);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RunLock> OpenMirror(const std::string& root, bool recover, bool create_repository, int* recovered) {
  if (Status s = MakeDirs(root); !s.ok()) return s;
  if (Status s = CheckCheckout(root); !s.ok()) return s;
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
    options.pending_file = root + "/.newsmirror/commit";
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
      if (!c->note.empty()) p.notes.push_back(c->note);
    }
  }
  if (push && p.commit_status.ok()) p.pushes = Push(root, remotes);
  return p;
}

}  // namespace nm
