#include "pipeline/mirror_session.h"

#include <unistd.h>

#include "layout/layout.h"
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
  for (const std::string& folder : {layout::StateDir(), layout::ListsDir(), layout::FeedsDir()}) {
    if (!checkout->HoldsAll(folder)) {
      return Status::InvalidArgument("the sparse checkout of " + root + " leaves out " + folder +
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

Result<CarriedOver> CarriedOverArticles(const std::string& root) {
  CarriedOver carried;
  auto files = UncommittedFiles(root);
  if (!files.ok()) return files.status();
  std::vector<std::string> articles;
  for (const std::string& p : *files) {
    size_t slash = p.find('/', 9);
    if (p.rfind("articles/", 0) == 0 && slash != std::string::npos && p.find('/', slash + 1) == std::string::npos) {
      articles.push_back(p);
    }
  }
  if (articles.empty()) return carried;
  auto in_head = PathsInHead(root, articles);
  if (!in_head.ok()) return in_head.status();
  for (size_t i = 0; i < articles.size(); ++i) {
    const std::string& p = articles[i];
    CarriedArticles& c = carried[p.substr(9, p.find('/', 9) - 9)];
    bool present = ::access((root + "/" + p).c_str(), F_OK) == 0;
    if (!present) c.removed += (*in_head)[i];
    else if ((*in_head)[i]) ++c.updated;  // staged again even when unchanged: at most an overcount of "updated"
    else ++c.added;
  }
  return carried;
}

std::string CarriedOverSummary(const CarriedOver& carried) {
  int added = 0, updated = 0, removed = 0;
  for (const auto& [outlet, c] : carried) {
    added += c.added;
    updated += c.updated;
    removed += c.removed;
  }
  std::vector<std::string> parts;
  if (added) parts.push_back(std::to_string(added) + " new");
  if (updated) parts.push_back(std::to_string(updated) + " updated");
  if (removed) parts.push_back(std::to_string(removed) + " removed");
  if (parts.empty()) return {};
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out + (added + updated + removed == 1 ? " article" : " articles");
}

std::string CarriedOverLines(const CarriedOver& carried) {
  std::string lines;
  for (const auto& [outlet, c] : carried) {
    std::string line;
    if (c.added) line += std::to_string(c.added) + " new";
    if (c.updated) line += (line.empty() ? "" : ", ") + std::to_string(c.updated) + " updated";
    if (c.removed) line += (line.empty() ? "" : ", ") + std::to_string(c.removed) + " removed";
    if (!line.empty()) lines += outlet + ": " + line + "\n";
  }
  return lines;
}

Publication Publish(const std::string& root, const RunLock& lock, const std::string& message, bool commit,
                    bool push, const std::vector<std::string>& remotes,
                    const std::vector<std::string>& removed) {
  Publication p;
  if (commit) {
    TestPausePoint("before-commit");
    CommitOptions options;
    options.remove_locks_before_ns = lock.acquired_ns();
    options.pending_file = layout::CommitPendingPath();
    auto files = UncommittedFiles(root);
    if (!files.ok()) {
      p.commit_status = files.status();
      return p;
    }
    options.files = std::move(files).value();
    options.removed = removed;
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
