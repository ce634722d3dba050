// newsmirror run: the main job.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/publish_messages.h"
#include "config/config.h"
#include "pipeline/run.h"
#include "publish/mirror_feed.h"

namespace nm::cli {

namespace {

struct RunArgs {
  std::string config = "config/newsmirror.toml";
  std::string out = "mirror";
  std::vector<std::string> sources;
  std::string shard;
  std::string bundle_folder;
  int jobs = 0;
  bool commit = false, push = false, dry_run = false, json = false, quiet = false, verbose = false, no_mail = false;
};

std::string Describe(const SourceReport& s) {
  switch (s.outcome) {
    case SourceReport::Outcome::kFailed:
      return "failed: " + s.error;
    case SourceReport::Outcome::kNotModified:
      return s.decided_unchanged ? "unchanged (the same feed as the last run read)" : "not modified";
    case SourceReport::Outcome::kArchived: {
      std::string out = std::to_string(s.new_articles) + " new, " + std::to_string(s.updated) +
                        " updated, " + std::to_string(s.unchanged) + " unchanged";
      auto count = [&out](int n, const char* what, int failed) {
        if (n == 0 && failed == 0) return;
        out += "; " + std::to_string(n) + " " + what;
        if (failed) out += " (" + std::to_string(failed) + " failed)";
      };
      count(s.pages_fetched, "pages read", s.pages_failed);
      count(s.images_stored, "images stored", s.images_failed);
      return out;
    }
  }
  return {};
}

// On a terminal: one line that is rewritten as sources finish. In a log
// (cron, CI): a line per source that changed or failed, nothing for the rest
// unless --verbose.
class Progress : public RunObserver {
 public:
  Progress(bool tty, bool quiet, bool verbose) : tty_(tty), quiet_(quiet), verbose_(verbose) {}

  void FetchStarted(size_t total) override {
    if (tty_ && !quiet_) Print(stderr, "fetching %zu sources…", total);
  }

  void SourceFetched(const SourceReport& s, size_t done, size_t total) override {
    bool failed = s.outcome == SourceReport::Outcome::kFailed;
    bool changed = s.new_articles > 0 || s.updated > 0;
    if (tty_) std::fputs("\r\033[K", stderr);  // the progress line's own control, not text
    if (failed) {
      Print(stderr, "newsmirror: %s: %s\n", s.name.c_str(), s.error.c_str());
    } else if (!quiet_ && (verbose_ || changed || tty_)) {
      Print(stderr, "%s: %s\n", s.name.c_str(), Describe(s).c_str());
    }
    if (!quiet_ && (verbose_ || tty_)) {
      for (const std::string& w : s.warnings) Print(stderr, "  warning: %s\n", w.c_str());
    } else if (!quiet_) {
      // In logs, warnings are summarized so an hourly job stays short.
      if (!s.warnings.empty()) {
        Print(stderr, "%s: %zu warnings (first: %s)\n", s.name.c_str(), s.warnings.size(),
                     s.warnings.front().c_str());
      }
    }
    if (tty_ && !quiet_ && done < total) Print(stderr, "[%zu/%zu] fetching…", done, total);
    std::fflush(stderr);
  }

  void Note(const std::string& message) override {
    if (!quiet_) Print(stderr, "newsmirror: %s\n", message.c_str());
  }

 private:
  bool tty_, quiet_, verbose_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nlohmann::json TimeOrNull(int64_t ms) { return ms ? nlohmann::json(Rfc3339(ms)) : nlohmann::json(nullptr); }

nlohmann::json ToJson(const RunReport& r, int push_warn_hours) {
  nlohmann::json j;
  j["ok"] = r.AllSucceeded();
  if (!r.status.ok()) j["error"] = r.status.message();
  j["sources"] = nlohmann::json::array();
  for (const SourceReport& s : r.sources) {
    nlohmann::json js;
    js["name"] = s.name;
    js["url"] = s.url;
    js["status"] = s.outcome == SourceReport::Outcome::kFailed        ? "failed"
                   : s.outcome == SourceReport::Outcome::kNotModified ? "not_modified"
                                                                      : "ok";
    js["fetched"] = s.outcome != SourceReport::Outcome::kFailed;
    // not_modified by the feed's own bytes (pipeline/unchanged_feed.h), not by a 304.
    js["decided_unchanged"] = s.decided_unchanged;
    js["entries"] = s.entries;
    js["new"] = s.new_articles;
    js["updated"] = s.updated;
    js["unchanged"] = s.unchanged;
    js["pages"] = {{"fetched", s.pages_fetched}, {"failed", s.pages_failed}};
    js["images"] = {{"stored", s.images_stored}, {"failed", s.images_failed}};
    js["failed"] = s.outcome == SourceReport::Outcome::kFailed;
    js["reason"] = s.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.error);
    js["warnings"] = s.warnings;
    js["quarantined"] = nlohmann::json::array();
    for (const QuarantineNotice& q : s.quarantined) {
      js["quarantined"].push_back({{"title", q.title},
                                   {"link", q.link},
                                   {"id", q.guid},
                                   {"reason", q.reason},
                                   {"attempts", q.attempts},
                                   {"tried", q.tried},
                                   {"retried_next_run", q.tried && q.attempts < kQuarantineAttempts}});
    }
    js["encoding"] = s.encoding;
    js["seconds"] = s.seconds;
    j["sources"].push_back(std::move(js));
  }
  j["written"] = r.written;
  j["bundle_errors"] = r.bundle_errors;
  j["bundles_deferred"] = r.bundles_deferred;
  j["recovered_files"] = r.recovered_files;
  j["committed"] = r.committed;
  j["commit"] = r.commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.commit);
  if (!r.commit_status.ok()) j["commit_error"] = r.commit_status.message();
  j["pushes"] = nlohmann::json::array();
  int64_t now = NowMs();
  for (const PushOutcome& p : r.pushes) {
    nlohmann::json jp = {{"remote", p.remote},
                         {"ok", p.status.ok()},
                         {"rejected", p.rejected},
                         {"error", p.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(p.status.message())}};
    // What state/pushes.txt now says of the remote.
    for (const PushRecord& rec : r.push_records) {
      if (rec.remote != p.remote) continue;
      jp["last_success"] = TimeOrNull(rec.last_ok_ms);
      jp["last_success_commit"] = rec.commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec.commit);
      jp["failing_since"] = TimeOrNull(rec.failing_since_ms);
      jp["stale"] = PushRecordStale(rec, now, push_warn_hours);
    }
    j["pushes"].push_back(std::move(jp));
  }
  if (r.mail.ran || !r.mail.status.ok() || !r.mail.warnings.empty()) {
    nlohmann::json jm;
    jm["ok"] = r.mail.AllSent();
    jm["error"] = r.mail.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(r.mail.status.message());
    jm["recipients"] = nlohmann::json::array();
    for (const DigestReport& d : r.mail.recipients) {
      jm["recipients"].push_back({{"id", d.key},
                                  {"to", d.to},
                                  {"due", d.due},
                                  {"sent", d.sent},
                                  {"articles", d.articles},
                                  {"waiting", d.waiting},
                                  {"error", d.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(d.status.message())}});
    }
    jm["warnings"] = r.mail.warnings;
    j["mail"] = std::move(jm);
  }
  return j;
}

int Execute(const RunArgs& a) {
  auto config = LoadConfig(a.config);
  if (!config.ok()) {
    Print(stderr, "newsmirror: %s\n", config.status().message().c_str());
    return kExitUsage;
  }
  RunOptions opts;
  opts.out_dir = a.out;
  opts.sources = a.sources;
  if (!a.shard.empty()) {
    auto shard = ParseShard(a.shard);
    if (!shard.ok()) {
      Print(stderr, "newsmirror: %s\n", shard.status().message().c_str());
      return kExitUsage;
    }
    opts.shard = *shard;
  }
  // A clock set from outside, for benchmarks that replay months of hourly runs.
  if (const char* now = std::getenv("NEWSMIRROR_NOW"); now && *now) {
    char* end = nullptr;
    long long seconds = std::strtoll(now, &end, 10);
    if (*end != '\0' || seconds <= 0) {
      Print(stderr, "newsmirror: NEWSMIRROR_NOW must be seconds since the Unix epoch, not '%s'\n", now);
      return kExitUsage;
    }
    opts.now_ms = seconds * 1000;
  }
  opts.jobs = a.jobs;
  opts.commit = a.commit;
  opts.push = a.push;
  opts.dry_run = a.dry_run;
  opts.bundle_folder = a.bundle_folder;
  opts.mail = !a.no_mail;
  Progress progress(isatty(STDERR_FILENO) == 1, a.quiet, a.verbose);
  RunReport report = RunMirror(*config, opts, &progress);
  if (a.json) PrintJson(ToJson(report, config->publish.push_warn_hours));
  if (!report.status.ok()) {
    Print(stderr, "newsmirror: %s\n", report.status.message().c_str());
    return report.status.kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  int failed = 0, added = 0, updated = 0;
  for (const SourceReport& s : report.sources) {
    failed += s.outcome == SourceReport::Outcome::kFailed;
    added += s.new_articles;
    updated += s.updated;
  }
  int push_failed = ReportPublishFailures(report.commit_status, report.pushes);
  if (push_failed < 0) return kExitFailed;
  for (const std::string& e : report.bundle_errors) Print(stderr, "newsmirror: %s\n", e.c_str());
  // A remote that has refused every push for long is named even with -q: its copy of the mirror is going stale.
  int64_t now = NowMs();
  for (const PushRecord& rec : report.push_records) {
    if (!PushRecordStale(rec, now, config->publish.push_warn_hours)) continue;
    Print(stderr,
                 "newsmirror: remote %s has failed every push for %lld hours (since %s; last success: %s): %s\n",
                 rec.remote.c_str(), static_cast<long long>((now - rec.failing_since_ms) / 3600000),
                 Rfc3339(rec.failing_since_ms).c_str(), rec.last_ok_ms ? Rfc3339(rec.last_ok_ms).c_str() : "never",
                 rec.error.c_str());
  }
  int mail_failed = 0, mailed = 0;
  if (!report.mail.status.ok()) {
    ++mail_failed;
    Print(stderr, "newsmirror: mail: %s\n", report.mail.status.message().c_str());
  }
  for (const DigestReport& d : report.mail.recipients) {
    if (d.sent) ++mailed;
    if (!d.due || d.sent) continue;
    ++mail_failed;
    Print(stderr, "newsmirror: digest to %s (%s) failed, sent again next run: %s\n", d.to.c_str(),
                 d.key.c_str(), d.status.message().c_str());
  }
  if (!a.quiet) {
    for (const std::string& w : report.mail.warnings) Print(stderr, "newsmirror: mail: %s\n", w.c_str());
  }
  if (!a.quiet) {
    std::string what = a.dry_run ? "would write" : "wrote";
    Print(stderr, "newsmirror: %zu sources, %d failed; %d new, %d updated articles; %s %zu files%s%s\n",
                 report.sources.size(), failed, added, updated, what.c_str(), report.written.size(),
                 report.committed ? ("; committed " + report.commit.substr(0, 12)).c_str() : "",
                 report.pushes.empty() ? ""
                                       : ("; pushed to " + std::to_string(report.pushes.size() - push_failed) +
                                          " of " + std::to_string(report.pushes.size()) + " remotes")
                                             .c_str());
    if (report.mail.ran) {
      Print(stderr, "newsmirror: mailed %d digests%s\n", mailed,
                   mail_failed ? ("; " + std::to_string(mail_failed) + " failed").c_str() : "");
    }
  }
  return failed > 0 || push_failed > 0 || mail_failed > 0 || !report.bundle_errors.empty() ? kExitPartial
                                                                                             : kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Fetch every configured source, archive new and changed articles into the mirror,\n"
      "rewrite the list pages and README (each naming the mirror's copies, [publish] mirrors),\n"
      "write the offline bundles of [bundle] whose period changed, mail the due [mail] digests,\n"
      "and (with --commit/--push) publish the mirror, keeping each remote's last successful\n"
      "push in state/pushes.txt.\n"
      "Exit status: 0 success; 1 usage or configuration error; 2 some sources, remotes,\n"
      "bundles or digests failed (the rest was archived and published); 3 the run could not\n"
      "be carried out.\n"
      "NEWSMIRROR_NOW (seconds since the Unix epoch) stands in for the clock.");
  cmd->add_option("-c,--config", args->config, "Configuration file (TOML)")->capture_default_str();
  cmd->add_option("-o,--out", args->out, "The mirror repository's root folder (created if missing)")
      ->capture_default_str();
  cmd->add_option("-s,--source", args->sources,
                  "Only this source (by name); may be given more than once");
  cmd->add_option("--shard", args->shard,
                  "Run only shard K of N (K/N, 1-based): the enabled sources whose stable name hash\n"
                  "mod N is K-1, so N runners can share one mirror; commits only their outlets' files");
  cmd->add_option("-j,--jobs", args->jobs, "Sources fetched at once (default: [fetch] jobs, 8)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--commit", args->commit,
                "Commit the files the run wrote to the mirror's git repository (what you staged stays staged)");
  cmd->add_flag("--push", args->push,
                "Push to every remote in [publish] remotes (a shallow clone pushes; a remote that is ahead\n"
                "is reported as rejected: fetch, merge and push again); recorded in state/pushes.txt");
  cmd->add_flag("-n,--dry-run", args->dry_run,
                "Fetch and compare, but write nothing (no folder, no lock, no journal replayed)");
  cmd->add_option("--bundle-folder", args->bundle_folder,
                  "Write [bundle]'s offline bundles into this folder (e.g. for a release) instead of\n"
                  "the mirror's bundles/; bundles/index.tsv in the mirror still records them");
  cmd->add_flag("--no-mail", args->no_mail, "Send no [mail] digests this run (they go out with a later one)");
  cmd->add_flag("--json", args->json,
                "Print a summary of the run as JSON on standard output (per source: counts, warnings,\n"
                "failure, and the entries that could not be archived: \"quarantined\")");
  cmd->add_flag("-q,--quiet", args->quiet, "Print failures only");
  cmd->add_flag("-v,--verbose", args->verbose, "Print every source and every warning");
  cmd->callback([args, &exit_code] { exit_code = Execute(*args); });
}

}  // namespace nm::cli
