// newsmirror search: full-text search over a mirror, from the command line.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "archive/list_page.h"
#include "cli/commands.h"
#include "cli/output.h"
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
  int offset = 0;
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
      "brought up to date before every search (and by 'run' once it exists). A mirror that\n"
      "cannot be written (read-only) is searched with an index in ~/.cache/newsmirror/search/\n"
      "(or in memory). Results come a page at a time: --limit per page, --offset to skip;\n"
      "standard error tells how many match in all.\n"
      "Exit status: 0 searched (also when nothing matches); 1 usage error, or --archive is not\n"
      "a mirror; 3 the index could not be built or read.");
  cmd->add_option("-a,--archive", args->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("-s,--source", args->source, "Only this outlet");
  cmd->add_option("--since", args->since, "Only articles published on or after DATE (e.g. 2023-01-01, read in UTC)");
  cmd->add_option("-n,--limit", args->limit, "At most N results (one page)")->default_val(20)->check(CLI::Range(1, 10000));
  cmd->add_option("--offset", args->offset, "Skip the first N results (--offset 20 with --limit 20: the second page)")
      ->default_val(0)
      ->check(CLI::Range(0, 1000000000));
  cmd->add_flag("--json", args->json, "Print the results as JSON");
  cmd->add_option("query", args->query, "Words to find; all must occur (2 or more characters each for Chinese)")
      ->required();
  cmd->callback([&exit_code, args] {
    SearchQuery q;
    for (const std::string& w : args->query) q.text += (q.text.empty() ? "" : " ") + w;
    q.source = args->source;
    q.limit = args->limit;
    q.offset = args->offset;
    if (!args->since.empty()) {
      auto ms = ParseDate(args->since);
      if (!ms) {
        PrintText(stderr, "newsmirror: --since: '" + args->since + "' is not a date (try 2023-01-31)\n");
        exit_code = kExitUsage;
        return;
      }
      q.since_ms = *ms;
    }
    SyncStats stats;
    std::string location;
    auto index = OpenMirrorIndex(args->archive, &stats, &location);
    if (!index.ok()) {
      PrintText(stderr, "newsmirror: " + index.status().message() + "\n");
      exit_code = index.status().kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
      return;
    }
    if (location != args->archive + "/" + layout::SearchIndexPath()) {
      PrintText(stderr, "newsmirror: " + args->archive + " cannot be written; the search index is " +
                            (location.empty() ? std::string("kept in memory (built again on each search)")
                                              : "kept in " + location) +
                            "\n");
    }
    auto hits = index->Search(q);
    auto total = hits.ok() ? index->Count(q) : Result<int64_t>(hits.status());
    if (!hits.ok() || !total.ok()) {
      PrintText(stderr, "newsmirror: " + (hits.ok() ? total.status() : hits.status()).message() + "\n");
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
      PrintJson(out);
    } else {
      bool tty = isatty(STDOUT_FILENO);
      const char* on = tty ? "\033[1m" : "【";
      const char* off = tty ? "\033[0m" : "】";
      for (const SearchHit& h : *hits) {
        PrintText(stdout, Rfc3339(h.published_ms).substr(0, 10) + "  " + h.outlet + "  " + h.title + "\n");
        PrintText(stdout, "    articles/" + h.outlet + "/" + h.file + "\n    ");
        // The match's markers are ours; the snippet around them is the article's text.
        const std::string& s = h.snippet;
        if (h.mark_end > h.mark_begin && h.mark_end <= s.size()) {
          PrintText(stdout, std::string_view(s).substr(0, h.mark_begin));
          std::fputs(on, stdout);
          PrintText(stdout, std::string_view(s).substr(h.mark_begin, h.mark_end - h.mark_begin));
          std::fputs(off, stdout);
          PrintText(stdout, std::string_view(s).substr(h.mark_end));
        } else {
          PrintText(stdout, s);
        }
        std::fputs("\n\n", stdout);
      }
    }
    std::string matches = std::to_string(*total) + (*total == 1 ? " article matches '" : " articles match '") + q.text + "'";
    if (*total == 0) {
      PrintText(stderr, "no articles match '" + q.text + "'\n");
    } else if (hits->empty()) {
      PrintText(stderr, matches + "; none after --offset " + std::to_string(q.offset) + "\n");
    } else if (!args->json || static_cast<int64_t>(hits->size()) < *total) {
      int64_t last = q.offset + static_cast<int64_t>(hits->size());
      std::string line = matches + "; showing " + std::to_string(q.offset + 1) + "-" + std::to_string(last);
      if (last < *total) line += " (next page: --offset " + std::to_string(last) + ")";
      PrintText(stderr, line + "\n");
    }
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
