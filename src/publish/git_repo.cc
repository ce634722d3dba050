#include "publish/git_repo.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <filesystem>
#include <mutex>
#include <optional>

#include "util/fs.h"
#include "util/test_pause.h"

namespace nm {
namespace {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using RefPtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config, git_config_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitFree<git_signature, git_signature_free>>;

constexpr char kDefaultName[] = "newsmirror";
constexpr char kDefaultEmail[] = "newsmirror@localhost";
constexpr char kInitialBranch[] = "main";
// Enough for a user-name step followed by a key or password and one retry;
// libgit2 keeps asking as long as the callback keeps answering.
constexpr int kMaxCredentialAttempts = 3;

// libgit2 is never shut down: the process ends soon after the last push,
// and shutting down while another thread still uses it would be worse.
void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Strict creation checks every entry of every tree written against the
    // object database — for the articles folder of an outlet, thousands of
    // object reads per commit. The trees come from an index whose blobs
    // libgit2 itself just wrote, so there is nothing to check.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
  });
}

std::string LastGitError() {
  const git_error* e = git_error_last();
  if (e && e->message && *e->message) return e->message;
  return "unknown libgit2 error";
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

const char* NonEmptyEnv(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

Result<RepoPtr> OpenRepository(const std::string& dir) {
  InitLibgit2();
  git_repository* raw = nullptr;
  // No search upwards: a mirror kept inside another checkout must get its own
  // repository, never commit into the enclosing one.
  int rc = git_repository_open_ext(&raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) return Status::NotFound("no git repository at " + dir);
  if (rc < 0) return Status::IoError("cannot open the git repository at " + dir + ": " + LastGitError());
  return RepoPtr(raw);
}

// ---- Committing -----------------------------------------------------------

std::string ConfigString(git_config* cfg, const char* key) {
  if (!cfg) return "";
  git_buf buf = GIT_BUF_INIT;
  std::string out;
  if (git_config_get_string_buf(&buf, cfg, key) == 0) out.assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return out;
}

struct Identity {
  std::string name;
  std::string email;
};

// The identity git would use: environment first, then configuration, then
// newsmirror's own, each of name and email on its own.
Identity ResolveIdentity(git_config* cfg, const char* name_env, const char* email_env) {
  Identity id;
  const char* env_name = NonEmptyEnv(name_env);
  const char* env_email = NonEmptyEnv(email_env);
  id.name = env_name ? env_name : ConfigString(cfg, "user.name");
  id.email = env_email ? env_email : ConfigString(cfg, "user.email");
  if (id.name.empty()) id.name = kDefaultName;
  if (id.email.empty()) id.email = kDefaultEmail;
  return id;
}

Result<SignaturePtr> MakeSignature(const Identity& id, const char* role) {
  git_signature* raw = nullptr;
  if (git_signature_now(&raw, id.name.c_str(), id.email.c_str()) < 0) {
    return Status::InvalidArgument(std::string("invalid git ") + role + " \"" + id.name + " <" + id.email +
                                   ">\": " + LastGitError() +
                                   " (check user.name/user.email or the GIT_* environment variables)");
  }
  return SignaturePtr(raw);
}

Status LockedError(const std::string& what, const std::string& lock_file, const std::string& dir) {
  return Status::Busy(what + ": the lock file " + lock_file +
                      " exists. Another git command may be working in " + dir +
                      "; if none is, an earlier run was killed: remove " + lock_file + " and run again");
}

// libgit2 names the lock file in its message ("failed to lock file '…' for
// writing"); pass it on, pointing at the cure.
Status LockedErrorFromGit(const std::string& what, const std::string& dir) {
  std::string msg = LastGitError();
  std::string lock_file = "a *.lock file under " + dir + "/.git";
  size_t open = msg.find('\'');
  size_t close = open == std::string::npos ? open : msg.find('\'', open + 1);
  if (close != std::string::npos) lock_file = msg.substr(open + 1, close - open - 1);
  return LockedError(what, lock_file, dir);
}

Status StageAll(git_index* index, const std::string& dir) {
  char star[] = "*";
  char* patterns[] = {star};
  git_strarray pathspec = {patterns, 1};
  if (git_index_add_all(index, &pathspec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) < 0) {
    return Status::IoError("cannot stage the files in " + dir + ": " + LastGitError());
  }
  // add_all only adds and updates; deleted files leave the index here.
  if (git_index_update_all(index, nullptr, nullptr, nullptr) < 0) {
    return Status::IoError("cannot stage deletions in " + dir + ": " + LastGitError());
  }
  // A mirror holds no symbolic links (util/fs.h never follows one): a link in
  // the work tree (articles/x -> elsewhere) is not part of the archive and is
  // never committed in its place.
  std::vector<std::string> links;
  for (size_t i = 0, n = git_index_entrycount(index); i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    if (e && e->mode == GIT_FILEMODE_LINK) links.emplace_back(e->path);
  }
  for (const std::string& link : links) {
    if (git_index_remove(index, link.c_str(), 0) < 0) {
      return Status::IoError("cannot leave the link " + link + " out of the commit in " + dir + ": " + LastGitError());
    }
  }
  return Status::Ok();
}

Status StageFiles(git_index* index, const std::string& dir, const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    // What is staged is read through the same path: a link on the way or in
    // the file's place is refused, never followed.
    auto kind = KindBelow(dir, f);
    if (!kind.ok()) return kind.status().With("cannot stage " + f);
    if (*kind != PathKind::kMissing && *kind != PathKind::kFile) {
      return RefusedEntry(dir, f, *kind).With("cannot stage " + f);
    }
    struct stat st;
    if (::lstat((dir + "/" + f).c_str(), &st) == 0) {
      if (git_index_add_bypath(index, f.c_str()) < 0) {
        return Status::IoError("cannot stage " + dir + "/" + f + ": " + LastGitError());
      }
    } else if (int rc = git_index_remove_bypath(index, f.c_str()); rc < 0 && rc != GIT_ENOTFOUND) {
      return Status::IoError("cannot stage the removal of " + dir + "/" + f + ": " + LastGitError());
    }
  }
  return Status::Ok();
}

// A killed git process (or a killed run inside libgit2) leaves its lock files
// behind, and every later commit fails on them. Those written before
// `before_ns` cannot belong to anyone still working under the caller's lock.
Status RemoveStaleLocks(git_repository* repo, int64_t before_ns) {
  std::string git_dir = git_repository_path(repo);  // ends in '/'
  std::vector<std::string> locks = {"index.lock", "HEAD.lock", "packed-refs.lock"};
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") == 0) {
    RefPtr head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
      locks.push_back(std::string(git_reference_symbolic_target(head.get())) + ".lock");
    }
  }
  for (const std::string& name : locks) {
    std::string path = git_dir + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (mtime_ns >= before_ns) continue;
    if (::unlink(path.c_str()) != 0) {
      return Status::IoError("cannot remove the stale lock file " + path + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

// ---- Pushing --------------------------------------------------------------

struct UrlParts {
  size_t userinfo_begin = std::string::npos;  // npos: the URL has no userinfo
  size_t userinfo_end = 0;                    // index of the '@'
  std::string scheme;
};

UrlParts SplitUrl(const std::string& url) {
  UrlParts p;
  size_t sep = url.find("://");
  if (sep == std::string::npos) return p;  // a path or an scp-like "user@host:path"
  p.scheme = url.substr(0, sep);
  for (char& c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t begin = sep + 3;
  size_t end = url.find_first_of("/?#", begin);
  if (end == std::string::npos) end = url.size();
  size_t at = url.rfind('@', end - 1);
  if (at == std::string::npos || at < begin) return p;
  p.userinfo_begin = begin;
  p.userinfo_end = at;
  return p;
}

bool IsHttp(const std::string& scheme) { return scheme == "http" || scheme == "https"; }

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The folder a remote URL names when it is an absolute path or a file:// URL.
// Relative paths are left to libgit2, which resolves them its own way.
std::optional<std::string> LocalPath(const std::string& url) {
  if (url.rfind("file://", 0) == 0) return PercentDecode(url.substr(7));
  if (!url.empty() && url[0] == '/') return url;
  return std::nullopt;
}

struct PushContext {
  std::string remote;
  std::string redacted_url;
  std::string url_user;      // from the remote's URL, decoded
  std::string url_password;  // likewise; empty when none
  int credential_attempts = 0;
  bool offered_ssh_key = false;
  std::vector<std::string> rejections;
};

int AcquireCredential(git_credential** out, const char* url, const char* username_from_url,
                      unsigned int allowed, void* payload) {
  auto* ctx = static_cast<PushContext*>(payload);
  if (++ctx->credential_attempts > kMaxCredentialAttempts) {
    git_error_set_str(GIT_ERROR_NET,
                      ctx->offered_ssh_key
                          ? "authentication failed: the server refused the keys in the SSH agent "
                            "(is ssh-agent running, with the deploy key added?)"
                          : "authentication failed: the server refused the credentials (check the token in "
                            "NEWSMIRROR_GIT_TOKEN, GITHUB_TOKEN or GH_TOKEN, or the user and password in the URL)");
    return GIT_EAUTH;
  }
  std::string user = username_from_url && *username_from_url ? username_from_url : ctx->url_user;

  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    ctx->offered_ssh_key = true;
    return git_credential_ssh_key_from_agent(out, user.empty() ? "git" : user.c_str());
  }
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    if (!ctx->url_password.empty()) {
      return git_credential_userpass_plaintext_new(out, user.c_str(), ctx->url_password.c_str());
    }
    const char* token = NonEmptyEnv("NEWSMIRROR_GIT_TOKEN");
    if (!token) token = NonEmptyEnv("GITHUB_TOKEN");
    if (!token) token = NonEmptyEnv("GH_TOKEN");
    if (token) {
      // Hosts check only the token; GitHub documents this user name for it.
      return git_credential_userpass_plaintext_new(out, user.empty() ? "x-access-token" : user.c_str(), token);
    }
    git_error_set_str(GIT_ERROR_NET,
                      "the server asks for a password and none is set: put a token in "
                      "NEWSMIRROR_GIT_TOKEN (or GITHUB_TOKEN, GH_TOKEN)");
    return GIT_EAUTH;
  }
  if (allowed & GIT_CREDENTIAL_USERNAME) {
    return git_credential_username_new(out, user.empty() ? "git" : user.c_str());
  }
  git_error_set_str(GIT_ERROR_NET, "the server asks for a kind of authentication newsmirror cannot give");
  return GIT_EAUTH;
}

// libgit2 reports a ref the server refused here, not in push's return value.
int OnPushUpdateReference(const char* refname, const char* status, void* payload) {
  if (status) {
    auto* ctx = static_cast<PushContext*>(payload);
    ctx->rejections.push_back(std::string(refname) + " (" + status + ")");
  }
  return 0;
}

// The branch HEAD points at, e.g. "refs/heads/main".
Result<std::string> CurrentBranch(git_repository* repo, const std::string& dir) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") < 0) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }
  RefPtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return Status::InvalidArgument("HEAD in " + dir + " is detached: check out a branch to push");
  }
  std::string branch = git_reference_symbolic_target(head.get());
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, branch.c_str()) < 0) {
    return Status::NotFound("nothing to push from " + dir + ": " + branch + " has no commits yet");
  }
  return branch;
}

// git's url.<base>.pushInsteadOf (else insteadOf) rewriting of a push URL:
// the longest matching prefix wins. Read with a plain iterator, since
// libgit2's own rewriting matches regular expressions (see PushOne).
std::string ApplyInsteadOf(git_config* cfg, const std::string& url) {
  if (!cfg) return url;
  git_config_iterator* it = nullptr;
  if (git_config_iterator_new(&it, cfg) < 0) return url;
  std::string best_base, best_prefix, push_base, push_prefix;
  git_config_entry* e = nullptr;
  while (git_config_next(&e, it) == 0) {
    std::string name = e->name, value = e->value ? e->value : "";
    if (name.rfind("url.", 0) != 0 || url.rfind(value, 0) != 0 || value.empty()) continue;
    bool push = name.size() > 14 && name.substr(name.size() - 14) == ".pushinsteadof";
    bool plain = name.size() > 10 && name.substr(name.size() - 10) == ".insteadof";
    if (!push && !plain) continue;
    std::string base = name.substr(4, name.size() - 4 - (push ? 14 : 10));
    std::string& prefix = push ? push_prefix : best_prefix;
    if (value.size() > prefix.size()) {
      prefix = value;
      (push ? push_base : best_base) = base;
    }
  }
  git_config_iterator_free(it);
  if (!push_prefix.empty()) return push_base + url.substr(push_prefix.size());
  if (!best_prefix.empty()) return best_base + url.substr(best_prefix.size());
  return url;
}

Status PushOne(git_repository* repo, const std::string& remote_name, const std::string& refspec) {
  // The remote is read from the configuration by name and pushed through an
  // in-memory remote: git_remote_lookup matches a regular expression against
  // every configuration entry, and libgit2 1.5 (Debian 12) leaks a PCRE2
  // match block on each one that does not match.
  git_config* raw_cfg = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw_cfg, repo) == 0 ? raw_cfg : nullptr);
  std::string configured = ConfigString(cfg.get(), ("remote." + remote_name + ".pushurl").c_str());
  if (configured.empty()) configured = ConfigString(cfg.get(), ("remote." + remote_name + ".url").c_str());
  if (configured.empty()) {
    return Status::NotFound("remote '" + remote_name + "' is not configured: add it with `git remote add " +
                            remote_name + " URL`");
  }
  git_remote_create_options create;
  git_remote_create_options_init(&create, GIT_REMOTE_CREATE_OPTIONS_VERSION);
  create.repository = repo;
  create.flags = GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC | GIT_REMOTE_CREATE_SKIP_INSTEADOF;
  configured = ApplyInsteadOf(cfg.get(), configured);
  git_remote* raw = nullptr;
  if (git_remote_create_with_opts(&raw, configured.c_str(), &create) < 0) {
    return Status::InvalidArgument("remote '" + remote_name + "': " + LastGitError());
  }
  RemotePtr remote(raw);
  const char* url = git_remote_url(remote.get());
  if (!url) return Status::InvalidArgument("remote '" + remote_name + "' has no URL");

  PushContext ctx;
  ctx.remote = remote_name;
  ctx.redacted_url = RedactUrl(url);
  std::string u = url;
  UrlParts parts = SplitUrl(u);
  if (parts.userinfo_begin != std::string::npos) {
    std::string info = u.substr(parts.userinfo_begin, parts.userinfo_end - parts.userinfo_begin);
    size_t colon = info.find(':');
    ctx.url_user = PercentDecode(info.substr(0, colon));
    if (colon != std::string::npos) ctx.url_password = PercentDecode(info.substr(colon + 1));
  }

  git_push_options opts;
  git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
  opts.callbacks.credentials = AcquireCredential;
  opts.callbacks.push_update_reference = OnPushUpdateReference;
  opts.callbacks.payload = &ctx;
  // Proxies from git's http.proxy and the usual environment variables.
  opts.proxy_opts.type = GIT_PROXY_AUTO;

  std::string spec = refspec;
  char* specs[] = {spec.data()};
  git_strarray refspecs = {specs, 1};
  std::string where = "push to remote '" + remote_name + "' (" + ctx.redacted_url + ")";
  // libgit2 calls a missing local path an "unsupported URL protocol".
  if (std::optional<std::string> path = LocalPath(u); path && !std::filesystem::exists(*path)) {
    return Status::NotFound(where + " failed: there is no repository at " + *path);
  }
  if (git_remote_push(remote.get(), &refspecs, &opts) < 0) {
    std::string cause = LastGitError();
    if (cause.find("fastforward") != std::string::npos || cause.find("not present locally") != std::string::npos) {
      while (!cause.empty() && (cause.back() == '.' || cause.back() == ' ')) cause.pop_back();
      cause += " (the remote has commits this repository lacks; fetch and merge them first)";
    }
    return Status::NetworkError(where + " failed: " + cause);
  }
  if (!ctx.rejections.empty()) {
    std::string list;
    for (const auto& r : ctx.rejections) list += (list.empty() ? "" : ", ") + r;
    return Status::NetworkError(where + " was rejected: " + list);
  }
  // As git does after a push: the remote-tracking branch follows.
  std::string branch = refspec.substr(0, refspec.find(':'));
  git_oid oid;
  if (branch.rfind("refs/heads/", 0) == 0 && git_reference_name_to_id(&oid, repo, branch.c_str()) == 0) {
    std::string tracking = "refs/remotes/" + remote_name + "/" + branch.substr(11);
    git_reference* ref = nullptr;
    if (git_reference_create(&ref, repo, tracking.c_str(), &oid, 1, "push") == 0) git_reference_free(ref);
  }
  return Status::Ok();
}

}  // namespace

Status EnsureRepository(const std::string& dir) {
  auto opened = OpenRepository(dir);
  if (opened.ok()) return Status::Ok();
  if (opened.status().kind() != Status::Kind::kNotFound) return opened.status();

  git_repository_init_options opts;
  git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  // Named here so that git's own default (master, or init.defaultBranch)
  // does not decide the branch readers see.
  opts.initial_head = kInitialBranch;
  git_repository* raw = nullptr;
  if (git_repository_init_ext(&raw, dir.c_str(), &opts) < 0) {
    return Status::IoError("cannot create a git repository at " + dir + ": " + LastGitError());
  }
  git_repository_free(raw);
  return Status::Ok();
}

Result<CommitInfo> Commit(const std::string& dir, const std::string& message, const CommitOptions& options) {
  auto opened = OpenRepository(dir);
  if (!opened.ok()) return opened.status();
  git_repository* repo = opened->get();
  if (git_repository_is_bare(repo)) {
    return Status::InvalidArgument("the git repository at " + dir + " is bare: it has no files to commit");
  }

  if (options.remove_locks_before_ns > 0) {
    if (Status s = RemoveStaleLocks(repo, options.remove_locks_before_ns); !s.ok()) return s;
  }
  if (options.files && options.files->empty() && git_repository_head_unborn(repo) != 1) {
    // Nothing to stage: the index already is what the last commit holds,
    // unless someone else staged things, which are theirs to commit.
    git_oid head;
    if (git_reference_name_to_id(&head, repo, "HEAD") == 0) return CommitInfo{false, OidHex(head)};
  }
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) < 0) {
    return Status::Corruption("cannot read the git index in " + dir + ": " + LastGitError());
  }
  IndexPtr index(raw_index);
  // The first commit takes the whole work tree (an archive being taken over
  // is there before newsmirror wrote anything).
  bool unborn = git_repository_head_unborn(repo) == 1;
  Status staged = options.files && !unborn ? StageFiles(index.get(), dir, *options.files) : StageAll(index.get(), dir);
  if (!staged.ok()) return staged;

  git_oid tree_id;
  if (git_index_write_tree(&tree_id, index.get()) < 0) {
    return Status::IoError("cannot write the tree in " + dir + ": " + LastGitError());
  }
  // Written before the commit so that a stale lock stops the run before HEAD
  // moves, and `git status` afterwards shows a clean work tree.
  if (int rc = git_index_write(index.get()); rc < 0) {
    if (rc == GIT_ELOCKED) {
      return LockedError("cannot write the git index", std::string(git_repository_path(repo)) + "index.lock", dir);
    }
    return Status::IoError("cannot write the git index in " + dir + ": " + LastGitError());
  }

  TestPausePoint("index-written");
  CommitPtr parent;
  git_reference* raw_head = nullptr;
  int rc = git_repository_head(&raw_head, repo);
  if (rc == 0) {
    RefPtr head(raw_head);
    git_object* peeled = nullptr;
    if (git_reference_peel(&peeled, head.get(), GIT_OBJECT_COMMIT) < 0) {
      return Status::Corruption("HEAD in " + dir + " does not point at a commit: " + LastGitError());
    }
    parent.reset(reinterpret_cast<git_commit*>(peeled));
    if (git_oid_equal(git_commit_tree_id(parent.get()), &tree_id)) {
      return CommitInfo{false, OidHex(*git_commit_id(parent.get()))};
    }
  } else if (rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND) {
    return Status::Corruption("cannot read HEAD in " + dir + ": " + LastGitError());
  }

  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo, &tree_id) < 0) {
    return Status::Corruption("cannot read the tree just written in " + dir + ": " + LastGitError());
  }
  TreePtr tree(raw_tree);

  git_config* raw_cfg = nullptr;
  ConfigPtr cfg(git_repository_config_snapshot(&raw_cfg, repo) == 0 ? raw_cfg : nullptr);
  auto author = MakeSignature(ResolveIdentity(cfg.get(), "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"), "author");
  if (!author.ok()) return author.status();
  auto committer =
      MakeSignature(ResolveIdentity(cfg.get(), "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"), "committer");
  if (!committer.ok()) return committer.status();

  const git_commit* parents[] = {parent.get()};
  git_oid commit_id;
  rc = git_commit_create(&commit_id, repo, "HEAD", author->get(), committer->get(), nullptr, message.c_str(),
                         tree.get(), parent ? 1 : 0, parents);
  if (rc == GIT_ELOCKED) return LockedErrorFromGit("cannot move the branch to the new commit", dir);
  if (rc < 0) return Status::IoError("cannot create the commit in " + dir + ": " + LastGitError());
  return CommitInfo{true, OidHex(commit_id)};
}

std::vector<PushOutcome> Push(const std::string& dir, const std::vector<std::string>& remotes) {
  std::vector<PushOutcome> outcomes;
  auto fail_all = [&](const Status& s) {
    for (const auto& r : remotes) outcomes.push_back({r, s.With("push to remote '" + r + "'")});
    return outcomes;
  };
  auto opened = OpenRepository(dir);
  if (!opened.ok()) return fail_all(opened.status());
  auto branch = CurrentBranch(opened->get(), dir);
  if (!branch.ok()) return fail_all(branch.status());

  const std::string refspec = *branch + ":" + *branch;
  for (const auto& remote : remotes) {
    outcomes.push_back({remote, PushOne(opened->get(), remote, refspec)});
  }
  return outcomes;
}

std::string RedactUrl(const std::string& url) {
  UrlParts p = SplitUrl(url);
  if (p.userinfo_begin == std::string::npos) return url;
  std::string info = url.substr(p.userinfo_begin, p.userinfo_end - p.userinfo_begin);
  size_t colon = info.find(':');
  std::string redacted;
  if (colon != std::string::npos) {
    redacted = info.substr(0, colon) + ":***";
  } else if (IsHttp(p.scheme)) {
    redacted = "***";
  } else {
    return url;  // an ssh user name is no secret
  }
  return url.substr(0, p.userinfo_begin) + redacted + url.substr(p.userinfo_end);
}

Result<std::vector<bool>> PathsInHead(const std::string& dir, const std::vector<std::string>& paths) {
  std::vector<bool> in_head(paths.size(), false);
  auto opened = OpenRepository(dir);
  if (!opened.ok()) {
    if (opened.status().kind() == Status::Kind::kNotFound) return in_head;
    return opened.status();
  }
  git_repository* repo = opened->get();
  if (git_repository_head_unborn(repo) == 1) return in_head;
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, "HEAD^{tree}") < 0) {
    return Status::Corruption("cannot read HEAD's tree in " + dir + ": " + LastGitError());
  }
  TreePtr tree(reinterpret_cast<git_tree*>(raw));
  for (size_t i = 0; i < paths.size(); ++i) {
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree.get(), paths[i].c_str()) == 0) {
      in_head[i] = true;
      git_tree_entry_free(entry);
    }
  }
  return in_head;
}

}  // namespace nm
