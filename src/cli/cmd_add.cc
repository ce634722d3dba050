// newsmirror add: archive single pages on request.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "archive/list_page.h"
#include "archive/markdown.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/publish_messages.h"
#include "config/config.h"
#include "pipeline/add_pages.h"

namespace nm::cli {

namespace {

struct AddArgs {
  std::vector<std::string> urls;
  std::string source;
  std::string config;
  std::string out = "mirror";
  bool allow_private = false, commit = false, push = false, json = false;
};

// The archived file's path as a Markdown link destination (relative to the
// repository's root), each segment encoded as the list pages encode theirs.
std::string PathForMarkdown(const std::string& path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (start) out += '/';
    out += MarkdownPathSegment(std::string_view(path).substr(start, slash - start));
    start = slash + 1;
  }
  return MarkdownDestination(out);
}

nlohmann::json ToJson(const AddReport& r) {
  nlohmann::json j;
  j["ok"] = r.AllSucceeded();
  if (!r.status.ok()) j["error"] = r.status.message();
  j["pages"] = nlohmann::json::array();
  for (const AddedPage& p : r.pages) {
    j["pages"].push_back({{"url", p.url},
                          {"ok", p.status.ok()},
                          {"error", p.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(p.status.message())},
                          {"outlet", p.outlet},
                          {"path", p.path},
                          {"title", p.title},
                          // For a Markdown answer (deploy/github-actions/archive-issue.yml):
                          // [title_markdown](…/path_markdown) shows one link, with the title as its text.
                          {"title_markdown", MarkdownLinkText(p.title.empty() ? p.path : p.title)},
                          {"path_markdown", PathForMarkdown(p.path)},
                          {"already_archived", p.already_archived},
                          {"warnings", p.warnings}});
  }
  j["committed"] = r.committed;
  j["commit"] = r.commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.commit);
  j["pushes"] = nlohmann::json::array();
  for (const PushOutcome& p : r.pushes) {
    j["pushes"].push_back({{"remote", p.remote}, {"ok", p.status.ok()}});
  }
  return j;
}

int Execute(const AddArgs& a) {
  Config config;
  if (!a.config.empty()) {
    auto loaded = LoadConfig(a.config);
    if (!loaded.ok()) {
      Print(stderr, "newsmirror: %s\n", loaded.status().message().c_str());
      return kExitUsage;
    }
    config = std::move(loaded).value();
  }
  AddOptions opts;
  opts.urls = a.urls;
  opts.source = a.source;
  opts.allow_private = a.allow_private;
  opts.out_dir = a.out;
  opts.commit = a.commit;
  opts.push = a.push;
  AddReport report = AddPages(config, opts);
  if (a.json) PrintJson(ToJson(report));
  if (!report.status.ok()) {
    Print(stderr, "newsmirror: %s\n", report.status.message().c_str());
    return report.status.kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  int failed = 0;
  for (const AddedPage& p : report.pages) {
    if (!p.status.ok()) {
      ++failed;
      Print(stderr, "newsmirror: %s: %s\n", p.url.c_str(), p.status.message().c_str());
      continue;
    }
    for (const std::string& w : p.warnings) Print(stderr, "  warning: %s\n", w.c_str());
    // The archived file, one per line, for scripts (the issue workflow links it).
    if (!a.json) Print(stdout, "%s\n", p.path.c_str());
    if (p.already_archived) Print(stderr, "newsmirror: %s was archived already\n", p.url.c_str());
  }
  int push_failed = ReportPublishFailures(report.commit_status, report.pushes);
  if (push_failed < 0) return kExitFailed;
  return failed > 0 || push_failed > 0 ? kExitPartial : kExitOk;
}

}  // namespace

void AddAddCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AddArgs>();
  CLI::App* cmd = app.add_subcommand(
      "add",
      "Archive single pages: fetch each URL, extract its article and archive it like a feed\n"
      "entry (same format, same dedupe). Prints the archived file of each page.");
  cmd->add_option("URL", args->urls, "Pages to archive (http or https)")->required();
  cmd->add_option("-s,--source", args->source,
                  "Archive under this outlet; a configured source's selector, rewrite rules and image\n"
                  "mode apply (default: the page's host)");
  cmd->add_option("-c,--config", args->config, "Configuration file (TOML); default: built-in settings");
  cmd->add_option("-o,--out", args->out, "The mirror repository's root folder (created if missing)")
      ->capture_default_str();
  cmd->add_flag("--allow-private", args->allow_private,
                "Allow loopback, private and link-local addresses (refused by default)");
  cmd->add_flag("--commit", args->commit, "Commit the changes to the mirror's git repository");
  cmd->add_flag("--push", args->push, "Push to every remote in [publish] remotes");
  cmd->add_flag("--json", args->json,
                "Print the outcome as JSON on standard output (per page: url, ok, error, outlet, path, title, "
                "already_archived, and title_markdown / path_markdown escaped for a Markdown link)");
  cmd->callback([args, &exit_code] { exit_code = Execute(*args); });
}

}  // namespace nm::cli
