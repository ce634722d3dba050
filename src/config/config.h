// The configuration file (TOML): what to mirror and how.
//
//   [archive]  list_size, list_utc_offset, image_proxy, images, image_max_mb
//   [fetch]    jobs, connect_timeout, timeout, retries, max_size_mb, proxy, user_agent,
//              page_spacing_ms
//   [publish]  remotes, raw_base_url
//   [site]     base_url, jekyll_posts
//   [rollover] name, web, remote, max_repository_bytes, max_files_per_folder
//   [[source]] name, url, date_zone, enabled, full_text, selector, images,
//              [[source.rewrite]] match, replace
//
// LoadConfig reads and checks it all at once: an unknown key or a bad value is
// an error that names the file, the line and the key, so a typo never silently
// turns a setting off.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/outlet_archive.h"
#include "complete/options.h"
#include "fetch/http_client.h"
#include "util/status.h"

namespace nm {

struct SourceConfig {
  std::string name;              // the outlet's folder and list name
  std::string url;               // http(s):// or file://
  int date_zone_minutes = 0;     // zone of dates the feed writes without one
  bool enabled = true;
  FullTextMode full_text = FullTextMode::kFeed;
  std::string selector;            // CSS selector of the article body on the page ("" = find it)
  std::vector<RewriteRule> rewrite;
  std::optional<ImageMode> images; // unset: [archive] images
};

struct PublishConfig {
  std::vector<std::string> remotes = {"origin"};
  // The mirror's root as raw files on the git host, e.g.
  // "https://raw.githubusercontent.com/USER/REPO/main/": feeds/*.xml link
  // their entries there. "" links them relative to feeds/.
  std::string raw_base_url;
};

struct SiteConfig {
  std::string base_url;          // where `newsmirror site` output is served ("" = relative links)
  bool jekyll_posts = false;     // also write Jekyll _posts/ with front matter
};

// When the mirror's articles move to archive repositories of their own
// (pipeline/rollover.h). `web` and `remote` are templates: {name} and {year}
// are filled in (both must name the year: one repository per year).
struct RolloverConfig {
  bool configured = false;       // the file has a [rollover] table
  std::string name;              // {name} of "{name}-{year}"
  std::string web;               // where readers find a repository's files: ".../{name}-{year}/blob/main/"
  std::string remote;            // the git remote to push it to ("" = committed locally only)
  // The budget: the live mirror's files (articles/ and assets/ as checked
  // out) in bytes, and the articles in one outlet's folder. GitHub warns
  // past 1 GB and shows 1,000 files of a folder.
  int64_t max_repository_bytes = 1'000'000'000;
  int64_t max_files_per_folder = 1000;
  // The repository of `year`: "{name}-{year}", its remote and web address.
  std::string RepositoryName(int year) const;
  std::string RemoteOf(int year) const;
  std::string WebOf(int year) const;
};

// "1 GB", "500 MB", "20 kB", "1000" (decimal units, B to TB) → bytes.
Result<int64_t> ParseByteSize(std::string_view text);

struct Config {
  std::string path;              // where it was read from (for messages)
  ArchiveOptions archive;
  FetchOptions fetch;
  CompleteOptions complete;
  PublishConfig publish;
  SiteConfig site;
  RolloverConfig rollover;
  std::vector<SourceConfig> sources;
};

Result<Config> LoadConfig(const std::string& path);
// `origin` names the text in messages (a file path).
Result<Config> ParseConfig(std::string_view text, const std::string& origin);

// "+08:00", "-05:30", "Z", "UTC" → minutes east of UTC.
Result<int> ParseUtcOffset(std::string_view text);

}  // namespace nm
