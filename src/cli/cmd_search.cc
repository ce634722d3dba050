// newsmirror search: full-text search over a mirror, from the command line.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "archive/list_page.h"
#include "cli/commands.h"
#include "dates/date_parser.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "search/search_index.h"

namespace nm::cli {

namespace {

struct SearchArgs {
  std::string archive = "mirror";
  std::string source;
  std::string since;
  int limit = 20;
  bool json = false;
  std::vector<std::string> query;
};

}  // namespace

void AddSearchCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "search",
      "Search the titles and text of a mirror's articles (Chinese and other languages).\n"
      "The index is a cache in {archive}/.newsmirror/search.sqlite, built on first use and\n"
      "brought up to date before every search (and by 'run' once it exists).");
  cmd->add_option("-a,--archive", args->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("-s,--source", args->source, "Only this outlet");
  cmd->add_option("--since", args->since, "Only articles published on or after DATE (e.g. 2023-01-01, read in UTC)");
  cmd->add_option("-n,--limit", args->limit, "At most N results")->default_val(20)->check(CLI::Range(1, 10000));
  cmd->add_flag("--json", args->json, "Print the results as JSON");
  cmd->add_option("query", args->query, "Words to find; all must occur (2 or more characters each for Chinese)")
      ->required();
  cmd->callback([&exit_code, args] {
    SearchQuery q;
    for (const std::string& w : args->query) q.text += (q.text.empty() ? "" : " ") + w;
    q.source = args->source;
    q.limit = args->limit;
    if (!args->since.empty()) {
      auto ms = ParseDate(args->since);
      if (!ms) {
        std::cerr << "newsmirror: --since: '" << args->since << "' is not a date (try 2023-01-31)\n";
        exit_code = kExitUsage;
        return;
      }
      q.since_ms = *ms;
    }
    SyncStats stats;
    auto index = OpenMirrorIndex(args->archive, &stats);
    if (!index.ok()) {
      std::cerr << "newsmirror: " << index.status().message() << "\n";
      exit_code = kExitFailed;
      return;
    }
    auto hits = index->Search(q);
    if (!hits.ok()) {
      std::cerr << "newsmirror: " << hits.status().message() << "\n";
      exit_code = kExitFailed;
      return;
    }
    if (args->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const SearchHit& h : *hits) {
        out.push_back({{"outlet", h.outlet},
                       {"title", h.title},
                       {"published", Rfc3339(h.published_ms)},
                       {"published_ms", h.published_ms},
                       {"path", layout::ArticlePath(h.outlet, h.file)},
                       {"link", h.link},
                       {"snippet", h.snippet},
                       {"match", {h.mark_begin, h.mark_end}},
                       {"score", h.score}});
      }
      std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      bool tty = isatty(STDOUT_FILENO);
      const char* on = tty ? "\033[1m" : "【";
      const char* off = tty ? "\033[0m" : "】";
      for (const SearchHit& h : *hits) {
        std::cout << Rfc3339(h.published_ms).substr(0, 10) << "  " << h.outlet << "  " << h.title << "\n";
        std::cout << "    articles/" << h.outlet << "/" << h.file << "\n";
        std::string s = h.snippet;
        if (h.mark_end > h.mark_begin) {
          s = s.substr(0, h.mark_begin) + on + s.substr(h.mark_begin, h.mark_end - h.mark_begin) + off +
              s.substr(h.mark_end);
        }
        std::cout << "    " << s << "\n\n";
      }
      if (hits->empty()) std::cerr << "no articles match '" << q.text << "'\n";
    }
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
