// The configuration file (TOML): what to mirror and how.
//
//   [archive]  list_size, list_utc_offset, image_proxy, images, image_max_mb,
//              image_max_width, image_budget_kb, image_format, keep_original_images
//   [fetch]    jobs, connect_timeout, timeout, retries, max_size_mb, proxy, user_agent,
//              page_spacing_ms
//   [publish]  remotes, raw_base_url
//   [site]     base_url, jekyll_posts
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

struct Config {
  std::string path;              // where it was read from (for messages)
  ArchiveOptions archive;
  FetchOptions fetch;
  CompleteOptions complete;
  PublishConfig publish;
  SiteConfig site;
  std::vector<SourceConfig> sources;
};

Result<Config> LoadConfig(const std::string& path);
// `origin` names the text in messages (a file path).
Result<Config> ParseConfig(std::string_view text, const std::string& origin);

// "+08:00", "-05:30", "Z", "UTC" → minutes east of UTC.
Result<int> ParseUtcOffset(std::string_view text);

}  // namespace nm
