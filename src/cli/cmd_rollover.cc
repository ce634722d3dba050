// newsmirror rollover: move the years before this one to archive repositories.
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/publish_messages.h"
#include "config/config.h"
#include "pipeline/rollover.h"

namespace nm::cli {

namespace {

struct RolloverArgs {
  std::string config = "config/newsmirror.toml";
  std::string out = "mirror";
  bool dry_run = false, push = false, push_archives = false, json = false;
};

nlohmann::json ToJson(const RolloverReport& r, const RolloverConfig& rc) {
  nlohmann::json j;
  j["ok"] = r.AllSucceeded();
  if (!r.status.ok()) j["error"] = r.status.message();
  j["over_budget"] = r.budget.over;
  j["budget"] = {{"bytes", r.budget.bytes},
                 {"max_repository_bytes", rc.max_repository_bytes},
                 {"unmeasured_folders", r.budget.unmeasured_outlets},
                 {"fullest_outlet", r.budget.fullest_outlet},
                 {"fullest_files", r.budget.fullest_files},
                 {"max_files_per_folder", rc.max_files_per_folder}};
  j["current_year"] = r.current_year;
  j["nothing_to_do"] = r.nothing_to_do.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.nothing_to_do);
  j["years"] = nlohmann::json::array();
  for (const RolledYear& y : r.years) {
    nlohmann::json pushes = nlohmann::json::array();
    for (const PushOutcome& p : y.pushes) pushes.push_back({{"remote", p.remote}, {"ok", p.status.ok()}});
    j["years"].push_back({{"year", y.year},
                          {"repository", y.repository},
                          {"dir", y.dir},
                          {"articles", y.articles},
                          {"commit", y.archive_commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(y.archive_commit)},
                          {"pushes", pushes}});
  }
  j["committed"] = r.committed;
  j["commit"] = r.commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.commit);
  return j;
}

int Execute(const RolloverArgs& a) {
  auto config = LoadConfig(a.config);
  if (!config.ok()) {
    Print(stderr, "newsmirror: %s\n", config.status().message().c_str());
    return kExitUsage;
  }
  RolloverOptions opts;
  opts.root = a.out;
  opts.dry_run = a.dry_run;
  opts.push = a.push;
  opts.push_archives = a.push || a.push_archives;
  RolloverReport report = RollOver(*config, opts);
  if (a.json) PrintJson(ToJson(report, config->rollover));
  for (const std::string& n : report.notes) Print(stderr, "newsmirror: %s\n", n.c_str());
  if (!report.nothing_to_do.empty()) Print(stderr, "newsmirror: %s\n", report.nothing_to_do.c_str());
  for (const RolledYear& y : report.years) {
    if (a.dry_run) {
      Print(stderr, "newsmirror: would move %d articles of %d to %s (%s)\n", y.articles, y.year, y.repository.c_str(),
            y.dir.c_str());
    } else if (y.articles > 0) {
      Print(stderr, "newsmirror: moved %d articles of %d to %s (%s%s%s)\n", y.articles, y.year, y.repository.c_str(),
            y.dir.c_str(), y.archive_commit.empty() ? "" : ", commit ",
            y.archive_commit.substr(0, 12).c_str());
    }
  }
  if (!report.status.ok()) {
    Print(stderr, "newsmirror: %s\n", report.status.message().c_str());
    if (report.status.kind() == Status::Kind::kInvalidArgument) return kExitUsage;
    bool moved = false;
    for (const RolledYear& y : report.years) moved = moved || y.articles > 0;
    return moved ? kExitPartial : kExitFailed;
  }
  int push_failed = ReportPublishFailures(report.commit_status, report.pushes);
  if (push_failed < 0) return kExitFailed;
  if (report.committed) Print(stderr, "newsmirror: committed %s\n", report.commit.substr(0, 12).c_str());
  return push_failed > 0 ? kExitPartial : kExitOk;
}

}  // namespace

void AddRolloverCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RolloverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rollover",
      "When the mirror is over its [rollover] budget (max_repository_bytes of article and asset\n"
      "files, max_files_per_folder articles in one outlet's folder), move the articles of every\n"
      "year before the current one to an archive repository of its own, {name}-{year}: a mirror\n"
      "in the same format under .newsmirror/archives/, cloned from [rollover] remote when set,\n"
      "committed (and pushed) first. Then the mirror keeps each moved article's state (it is never\n"
      "archived again), links it at [rollover] web from its list and month pages, and removes its\n"
      "file, in one commit. Under budget, or with no older year, it says so and changes nothing.\n"
      "`run` warns when a folder passes the budget (and leaves .newsmirror/rollover-due).");
  cmd->add_option("-c,--config", args->config, "Configuration file (TOML) with a [rollover] table")
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "The mirror repository's root folder")->capture_default_str();
  cmd->add_flag("-n,--dry-run", args->dry_run, "Measure and tell what would move; write nothing");
  cmd->add_flag("--push-archives", args->push_archives,
                "Push each archive repository to its remote before the mirror gives its articles up");
  cmd->add_flag("--push", args->push,
                "Push the archive repositories, then the mirror to every remote in [publish] remotes");
  cmd->add_flag("--json", args->json, "Print the outcome as JSON on standard output");
  cmd->callback([args, &exit_code] { exit_code = Execute(*args); });
}

}  // namespace nm::cli
