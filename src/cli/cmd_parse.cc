// newsmirror parse: shows how newsmirror reads one feed (for debugging a
// feed, for the conformance corpus) and measures the parser's speed.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "feed/parser.h"
#include "fetch/http_client.h"
#include "util/fs.h"

namespace nm::cli {

namespace {

struct ParseArgs {
  bool json = false;
  int bench = 0;
  int zone_minutes = 0;
  std::vector<std::string> sources;
};

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// The display form of a person: "Name (email)" when both are known.
std::string Display(const Person& p) {
  if (!p.name.empty() && !p.email.empty()) return p.name + " (" + p.email + ")";
  return p.name.empty() ? p.email : p.name;
}

// The title as the feed gave it: its markup when it had some.
const std::string& Shown(const std::string& title, const std::string& title_html) {
  return title_html.empty() ? title : title_html;
}

void PutCommon(nlohmann::json& j, const std::string& title, const std::string& link,
               const std::string& id, const std::optional<Person>& author,
               const std::optional<Date>& published, const std::optional<Date>& updated,
               const std::optional<Date>& created) {
  j["title"] = OrNull(title);
  j["link"] = OrNull(link);
  j["id"] = OrNull(id);
  j["author"] = author ? OrNull(Display(*author)) : nlohmann::json(nullptr);
  j["author_name"] = author ? OrNull(author->name) : nlohmann::json(nullptr);
  j["author_email"] = author ? OrNull(author->email) : nlohmann::json(nullptr);
  auto put_date = [&j](const char* name, const std::optional<Date>& d) {
    j[name] = d ? OrNull(d->text) : nlohmann::json(nullptr);
    j[std::string(name) + "_ms"] = d && d->ms ? nlohmann::json(*d->ms) : nlohmann::json(nullptr);
  };
  put_date("published", published);
  put_date("updated", updated);
  put_date("created", created);
}

nlohmann::json ToJson(const Feed& feed) {
  nlohmann::json j;
  j["encoding"] = OrNull(feed.encoding);
  j["format"] = feed.format;
  nlohmann::json f;
  PutCommon(f, Shown(feed.title, feed.title_html), feed.link, feed.id, feed.author, feed.published, feed.updated, feed.created);
  j["feed"] = std::move(f);
  j["entries"] = nlohmann::json::array();
  for (const Entry& e : feed.entries) {
    nlohmann::json je;
    PutCommon(je, Shown(e.title, e.title_html), e.link, e.id, e.author, e.published, e.updated, e.created);
    je["summary"] = OrNull(e.summary);
    je["content"] = OrNull(e.content);
    je["categories"] = e.categories;
    je["images"] = e.images;
    j["entries"].push_back(std::move(je));
  }
  j["warnings"] = feed.warnings;
  return j;
}

bool IsHttpSource(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

// The bytes of a source and the options that describe where they came from:
// a file is read in place (mapped), a URL's body is kept as fetched.
struct Source {
  MappedFile file;
  std::string body;
  ParseOptions opts;
  std::string_view bytes() const { return file.bytes().empty() ? std::string_view(body) : file.bytes(); }
};

Result<Source> Load(const std::string& source) {
  Source out;
  if (IsHttpSource(source)) {
    FetchOptions fo;
    fo.retries = 0;
    FetchRequest req;
    req.url = source;
    req.trusted_origin = source;  // named by the operator; its redirects elsewhere are checked
    FetchResponse r = Fetch(req, fo);
    if (!r.status.ok()) return r.status;
    out.opts.url = r.effective_url.empty() ? source : r.effective_url;
    out.opts.content_type = r.content_type;
    out.opts.content_location = r.content_location;
    out.body = std::move(r.body);
    return out;
  }
  auto file = MappedFile::Open(source);
  if (!file.ok()) return file.status();
  out.file = std::move(file).value();
  return out;
}

int ShowOne(const ParseArgs& a) {
  if (a.sources.size() != 1) {
    Print(stderr, "newsmirror parse: give exactly one SOURCE (or --bench N with files)\n");
    return kExitUsage;
  }
  auto loaded = Load(a.sources[0]);
  if (!loaded.ok()) {
    Print(stderr, "newsmirror parse: %s\n", loaded.status().message().c_str());
    return kExitFailed;
  }
  loaded->opts.default_zone_minutes = a.zone_minutes;
  auto feed = ParseFeed(loaded->bytes(), loaded->opts);
  if (!feed.ok()) {
    Print(stderr, "newsmirror parse: %s: %s\n", a.sources[0].c_str(), feed.status().message().c_str());
    return kExitFailed;
  }
  if (a.json) {
    PrintJson(ToJson(*feed));
  } else {
    PrintText(stdout, feed->format + ", " + feed->encoding + ": " + feed->title + "\n");
    for (const Entry& e : feed->entries) {
      std::string when = e.published ? e.published->text : e.updated ? e.updated->text : "";
      PrintText(stdout, "  " + when + "  " + e.title + "\n    " + e.link + "\n");
    }
    for (const std::string& w : feed->warnings) PrintText(stdout, "warning: " + w + "\n");
  }
  return kExitOk;
}

// Parses every file `bench` times from memory; only the parsing is timed.
int Bench(const ParseArgs& a) {
  std::vector<Source> docs;
  for (const std::string& s : a.sources) {
    auto loaded = Load(s);
    if (!loaded.ok()) {
      Print(stderr, "newsmirror parse: %s\n", loaded.status().message().c_str());
      return kExitFailed;
    }
    docs.push_back(std::move(loaded).value());
  }
  uint64_t bytes = 0, entries = 0;
  ParseOptions opts;
  opts.default_zone_minutes = a.zone_minutes;
  auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < a.bench; ++n) {
    for (const Source& d : docs) {
      auto feed = ParseFeed(d.bytes(), opts);
      bytes += d.bytes().size();
      if (feed.ok()) entries += feed->entries.size();
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << nlohmann::json{{"bytes", bytes}, {"entries", entries}, {"seconds", seconds}}.dump()
            << std::endl;
  return kExitOk;
}

}  // namespace

void AddParseCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ParseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "parse",
      "Read one feed (a file or an http(s):// URL) and print what newsmirror finds in it:\n"
      "a short listing, or with --json the feed and its entries as JSON (title, link, id,\n"
      "author, dates as written and in milliseconds since the epoch, summary, content).\n"
      "With --bench N, parse the given files N times from memory and print the total\n"
      "bytes and entries parsed and the seconds spent parsing, as JSON.");
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->add_option("--bench", args->bench, "Parse the files this many times and print timing")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--zone-minutes", args->zone_minutes,
                  "Minutes east of UTC for dates written without a zone")
      ->default_val(0);
  cmd->add_option("SOURCE", args->sources, "A feed file or an http(s):// URL")->required();
  cmd->callback([args, &exit_code] { exit_code = args->bench > 0 ? Bench(*args) : ShowOne(*args); });
}

}  // namespace nm::cli
