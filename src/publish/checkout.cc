#include "publish/checkout.h"

#include <sys/stat.h>

#include <cctype>
#include <map>
#include <memory>
#include <mutex>

#include "publish/git_command.h"
#include "publish/libgit2_util.h"
#include "util/fs.h"

namespace nm {

namespace {

std::string ConfigValue(git_config* cfg, const char* key) {
  if (!cfg) return "";
  git_buf buf = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_string_buf(&buf, cfg, key) == 0) out.assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return out;
}

bool IsTrue(std::string v) {
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "yes" || v == "on" || v == "1";
}

// One mirror's repository, opened once per process.
struct Mirror {
  std::mutex mu;
  RepoPtr repo;
  Result<Checkout> checkout = Checkout();
  std::string promisor;                 // the remote that serves missing objects
  std::map<std::string, std::shared_ptr<git_tree>> trees;  // by hex id: large trees, parsed once
};

// The promisor remote of a partial clone: remote.<name>.promisor, or the
// older extensions.partialClone. Read with a plain iterator (libgit2 1.5
// leaks in its regular-expression iteration).
std::string PromisorRemote(git_config* cfg) {
  if (!cfg) return "";
  std::string found = ConfigValue(cfg, "extensions.partialclone");
  git_config_iterator* it = nullptr;
  if (git_config_iterator_new(&it, cfg) < 0) return found;
  git_config_entry* e = nullptr;
  while (git_config_next(&e, it) == 0) {
    std::string name = e->name;
    const std::string suffix = ".promisor";
    if (name.rfind("remote.", 0) == 0 && name.size() > 7 + suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 && e->value && IsTrue(e->value)) {
      found = name.substr(7, name.size() - 7 - suffix.size());
      break;
    }
  }
  git_config_iterator_free(it);
  return found;
}

Result<Checkout> ReadCheckout(git_repository* repo, git_config* cfg) {
  std::string git_dir = git_repository_path(repo);  // ends in '/'
  // git keeps the sparse-checkout switches in config.worktree once a sparse
  // checkout was set up; libgit2 does not read that file.
  std::string sparse, sparse_index;
  git_config* raw = nullptr;
  if (git_config_open_ondisk(&raw, (git_dir + "config.worktree").c_str()) == 0) {
    ConfigPtr worktree(raw);
    sparse = ConfigValue(worktree.get(), "core.sparsecheckout");
    sparse_index = ConfigValue(worktree.get(), "index.sparse");
  }
  if (sparse.empty()) sparse = ConfigValue(cfg, "core.sparsecheckout");
  if (sparse_index.empty()) sparse_index = ConfigValue(cfg, "index.sparse");
  if (!IsTrue(sparse)) return Checkout();
  auto text = ReadFile(git_dir + "info/sparse-checkout");
  if (!text.ok()) return Checkout();  // git itself then checks out everything
  auto parsed = Checkout::FromPatterns(*text);
  if (!parsed.ok()) return parsed.status().With(git_dir + "info/sparse-checkout");
  parsed->set_sparse_index(IsTrue(sparse_index));
  return parsed;
}

std::shared_ptr<Mirror> MirrorAt(const std::string& root) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<Mirror>> opened;
  std::lock_guard<std::mutex> lock(mu);
  auto it = opened.find(root);
  if (it != opened.end()) return it->second;
  auto mirror = std::make_shared<Mirror>();
  struct stat st;
  // No repository yet (a mirror written without --commit): nothing is
  // remembered, so one made later is found.
  if (::lstat((root + "/.git").c_str(), &st) != 0) return mirror;
  auto repo = OpenRepository(root);
  if (!repo.ok()) return mirror;
  mirror->repo = std::move(repo).value();
  git_config* raw = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw, mirror->repo.get()) == 0 ? raw : nullptr);
  mirror->checkout = ReadCheckout(mirror->repo.get(), cfg.get());
  mirror->promisor = PromisorRemote(cfg.get());
  opened[root] = mirror;
  return mirror;
}

bool CheckoutHoldsLocked(const Mirror& m, std::string_view rel) { return !m.checkout.ok() || m.checkout->Holds(rel); }

// The tree at `rel` ("" = the root) in HEAD's tree; nullptr when there is none.
std::shared_ptr<git_tree> HeadFolder(Mirror& m, const std::string& rel) {
  git_object* obj = nullptr;
  std::string spec = "HEAD^{tree}";
  if (git_revparse_single(&obj, m.repo.get(), spec.c_str()) < 0) return nullptr;
  TreePtr root(reinterpret_cast<git_tree*>(obj));
  git_oid id = *git_tree_id(root.get());
  if (!rel.empty()) {
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, root.get(), rel.c_str()) < 0) return nullptr;
    bool folder = git_tree_entry_type(entry) == GIT_OBJECT_TREE;
    id = *git_tree_entry_id(entry);
    git_tree_entry_free(entry);
    if (!folder) return nullptr;
  }
  std::string key = OidHex(id);
  if (auto it = m.trees.find(key); it != m.trees.end()) return it->second;
  git_tree* tree = nullptr;
  if (git_tree_lookup(&tree, m.repo.get(), &id) < 0) return nullptr;
  std::shared_ptr<git_tree> shared(tree, git_tree_free);
  if (m.trees.size() > 64) m.trees.clear();
  m.trees[key] = shared;
  return shared;
}

// The blob id HEAD's tree has at `rel`, or "".
std::string HeadBlob(Mirror& m, const std::string& rel) {
  size_t slash = rel.rfind('/');
  auto folder = HeadFolder(m, slash == std::string::npos ? "" : rel.substr(0, slash));
  if (!folder) return "";
  const git_tree_entry* e = git_tree_entry_byname(folder.get(), rel.substr(slash + 1).c_str());
  // A symbolic link is no file of the mirror (util/fs.h), in git as on disk.
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB || git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) return "";
  return OidHex(*git_tree_entry_id(e));
}

Status FetchMissingLocked(Mirror& m, const std::string& root, const std::vector<std::string>& blobs) {
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, m.repo.get()) < 0) return Status::IoError("cannot open the objects of " + root);
  OdbPtr odb(raw);
  std::string missing;
  size_t count = 0;
  for (const std::string& hex : blobs) {
    git_oid oid;
    if (!ParseOid(hex, &oid) || git_odb_exists(odb.get(), &oid)) continue;
    missing += hex + "\n";
    ++count;
  }
  if (count == 0 || m.promisor.empty()) return Status::Ok();
  // What git itself runs to fill in a partial clone, for all of them at once.
  auto r = RunGit(root, {"-c", "fetch.negotiationAlgorithm=noop", "fetch", "-q", m.promisor, "--no-tags",
                         "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"},
                  missing);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::NetworkError("cannot fetch " + std::to_string(count) + " missing files from remote '" +
                                m.promisor + "' of " + root + ": " + GitErrorText(*r));
  }
  git_odb_refresh(odb.get());
  return Status::Ok();
}

Result<std::string> ReadBlobLocked(Mirror& m, const std::string& root, const std::string& rel,
                                   const std::string& hex) {
  git_oid oid;
  if (!ParseOid(hex, &oid)) return Status::Corruption("bad blob id \"" + hex + "\" for " + rel);
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, m.repo.get()) < 0) return Status::IoError("cannot open the objects of " + root);
  OdbPtr odb(raw);
  for (int attempt = 0; attempt < 2; ++attempt) {
    git_odb_object* obj = nullptr;
    if (git_odb_read(&obj, odb.get(), &oid) == 0) {
      OdbObjectPtr held(obj);
      if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) return Status::Corruption(hex + " is no file (" + rel + ")");
      return std::string(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj));
    }
    if (attempt == 0) {
      if (m.promisor.empty()) break;
      if (Status s = FetchMissingLocked(m, root, {hex}); !s.ok()) return s.With(rel);
    }
  }
  return Status::NotFound(rel + " is not in the work tree of " + root + ", and its blob " + hex +
                          " is not in the repository" +
                          (m.promisor.empty() ? "" : " nor on remote '" + m.promisor + "'"));
}

}  // namespace

Result<Checkout> Checkout::FromPatterns(std::string_view text) {
  Checkout c;
  c.sparse_ = true;
  bool root_files = false;
  auto unescape = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i];
    }
    return out;
  };
  // A '*', '?' or '[' that no backslash escapes.
  auto has_glob = [](std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\') ++i;
      else if (s[i] == '*' || s[i] == '?' || s[i] == '[') return true;
    }
    return false;
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (line == "/*") {
      root_files = true;
    } else if (line == "!/*/") {
      // Root folders are left out unless named below.
    } else if (line.size() > 5 && line.substr(0, 2) == "!/" && line.substr(line.size() - 3) == "/*/" &&
               !has_glob(line.substr(2, line.size() - 5))) {
      std::string folder = unescape(line.substr(2, line.size() - 5));
      c.recursive_.erase(folder);
      c.parents_.insert(folder);
    } else if (line.size() > 2 && line[0] == '/' && line.back() == '/' && !has_glob(line)) {
      c.recursive_.insert(unescape(line.substr(1, line.size() - 2)));
    } else {
      return Status::InvalidArgument("the sparse checkout is not in cone mode (pattern \"" + std::string(line) +
                                     "\"); newsmirror supports cone-mode sparse checkouts: "
                                     "git sparse-checkout set --cone state lists feeds");
    }
  }
  if (!root_files) {
    return Status::InvalidArgument("the sparse checkout leaves out the files at the root; newsmirror supports "
                                   "cone-mode sparse checkouts: git sparse-checkout set --cone state lists feeds");
  }
  c.parents_.insert("");
  return c;
}

bool Checkout::Holds(std::string_view rel) const {
  if (!sparse_) return true;
  size_t slash = rel.rfind('/');
  std::string_view parent = slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
  return parents_.count(parent) || HoldsAll(parent);
}

bool Checkout::HoldsAll(std::string_view folder) const {
  if (!sparse_) return true;
  if (folder.empty()) return false;
  for (size_t pos = 0; pos <= folder.size(); ++pos) {
    pos = folder.find('/', pos);
    if (pos == std::string_view::npos) pos = folder.size();
    if (recursive_.count(folder.substr(0, pos))) return true;
  }
  return false;
}

Result<Checkout> CheckoutOf(const std::string& root) {
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  return m->checkout;
}

bool CheckoutHolds(const std::string& root, std::string_view rel) {
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  return CheckoutHoldsLocked(*m, rel);
}

bool CheckoutHoldsAll(const std::string& root, std::string_view folder) {
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  return !m->checkout.ok() || m->checkout->HoldsAll(folder);
}

Result<std::string> ReadTrackedFile(const std::string& root, const std::string& rel, const std::string& blob) {
  auto text = ReadFileBelow(root, rel);
  if (text.ok() || text.status().kind() != Status::Kind::kNotFound) return text;
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  if (!m->repo || CheckoutHoldsLocked(*m, rel)) return text;
  std::string hex = blob.empty() ? HeadBlob(*m, rel) : blob;
  if (hex.empty()) return Status::NotFound(rel + " is in neither the work tree nor HEAD's tree of " + root);
  return ReadBlobLocked(*m, root, rel, hex);
}

bool TrackedFileExists(const std::string& root, const std::string& rel) {
  auto kind = KindBelow(root, rel);
  if (!kind.ok() || *kind != PathKind::kMissing) return kind.ok() && *kind == PathKind::kFile;
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  if (!m->repo || CheckoutHoldsLocked(*m, rel)) return false;
  return !HeadBlob(*m, rel).empty();
}

Result<std::vector<TrackedEntry>> ListHeadFolder(const std::string& root, const std::string& rel) {
  std::vector<TrackedEntry> out;
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  if (!m->repo) return out;
  auto tree = HeadFolder(*m, rel);
  if (!tree) return out;
  size_t n = git_tree_entrycount(tree.get());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
    TrackedEntry t;
    t.name = git_tree_entry_name(e);
    t.folder = git_tree_entry_type(e) == GIT_OBJECT_TREE;
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) t.blob = OidHex(*git_tree_entry_id(e));
    t.link = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK;
    out.push_back(std::move(t));
  }
  return out;
}

Status FetchBlobs(const std::string& root, const std::vector<std::string>& blobs) {
  if (blobs.empty()) return Status::Ok();
  auto m = MirrorAt(root);
  std::lock_guard<std::mutex> lock(m->mu);
  if (!m->repo || m->promisor.empty()) return Status::Ok();
  return FetchMissingLocked(*m, root, blobs);
}

}  // namespace nm
