// The configuration file (TOML): what to mirror and how.
//
//   [archive]  list_size, list_utc_offset, image_proxy, images, image_max_mb,
//              image_max_width, image_budget_kb, image_format, keep_original_images
//   [fetch]    jobs, connect_timeout, timeout, retries, max_size_mb, proxy, user_agent,
//              page_spacing_ms
//   [publish]  remotes, raw_base_url, mirrors [{ name, url, article }], push_warn_hours
//   [site]     base_url, jekyll_posts
//   [bundle]   formats, periods, outlets, keep_days, keep_months, current,
//              max_mb, max_growth_mb, epub_font, folder
//   [mail]     server, from, to, to_file, schedule, max_kb, excerpt_chars, subject,
//              attach, attach_max_mb, ca_file, timeout
//   [rollover] name, web, remote, max_repository_bytes, max_files_per_folder
//   [[source]] name, url, date_zone, enabled, full_text, selector, images,
//              language, [[source.rewrite]] match, replace
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
#include "bundle/bundle.h"
#include "complete/options.h"
#include "fetch/http_client.h"
#include "mail/message.h"
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
  std::string language;            // BCP 47 tag of the outlet's text ("" = guessed where it matters)
};

struct PublishConfig {
  std::vector<std::string> remotes = {"origin"};
  // The mirror's root as raw files on the git host, e.g.
  // "https://raw.githubusercontent.com/USER/REPO/main/": feeds/*.xml link
  // their entries there. "" links them relative to feeds/.
  std::string raw_base_url;
  // A remote whose last successful push (state/pushes.txt) is older than
  // this is named in the run's summary. The mirror's copies, [publish]
  // mirrors, are read into ArchiveOptions::mirrors.
  int push_warn_hours = 24;
};

struct SiteConfig {
  std::string base_url;          // where `newsmirror site` output is served ("" = relative links)
  bool jekyll_posts = false;     // also write Jekyll _posts/ with front matter
};

// [bundle]: the offline bundles `run` writes (bundle/schedule.h). Present
// means on.
struct BundleScheduleConfig {
  bool enabled = false;
  std::vector<BundleFormat> formats = {BundleFormat::kEpub, BundleFormat::kHtml};
  bool daily = true;
  bool monthly = true;
  bool all_outlets = true;       // one bundle of every outlet together
  bool each_outlet = false;      // one bundle per outlet
  int keep_days = 7;             // daily bundles of the last N days are kept
  int keep_months = 3;           // monthly bundles of the last N months are kept
  bool current = false;          // also the day and month in progress
  int64_t max_bytes = kDefaultBundleBytes;
  // The bytes of bundles a day (list zone) may add to the mirror's history
  // (bundles/ only, not `folder`); 0 = formats × scopes × max_bytes.
  int64_t max_growth_bytes = 0;
  std::string epub_font;         // a font embedded in the books ("" = none), resolved beside the configuration
  std::string folder;            // "" = bundles/ in the mirror; else this folder, resolved beside the configuration
};

// [mail]: e-mail digests of the new articles (mail/send_digests.h). Present
// means on. Credentials never come from here: NEWSMIRROR_SMTP_USER and
// NEWSMIRROR_SMTP_PASSWORD in the environment.
struct MailConfig {
  bool enabled = false;
  std::string server;            // smtps://host[:port], or smtp://host[:port] with STARTTLS required
  MailAddress from;
  std::vector<MailAddress> to;
  std::string to_file;           // a file of the mirror (relative to its root): one address a line
  enum class Schedule { kDaily, kEachRun } schedule = Schedule::kDaily;
  int64_t max_bytes = 100 * 1024;          // the text and HTML bodies together
  int excerpt_chars = 300;                 // first paragraphs of each article
  std::string subject = "newsmirror";      // first in the subject and the heading
  // A file of the mirror to attach, with {today}, {yesterday} and {month}
  // (list zone): "bundles/all/{yesterday}.epub". "" = none.
  std::string attach;
  int64_t attach_max_bytes = 15 << 20;
  std::string ca_file;           // certificate authorities of the server ("" = the system's); beside the configuration
  int timeout_s = 60;
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
  BundleScheduleConfig bundle;
  MailConfig mail;
  RolloverConfig rollover;
  std::vector<SourceConfig> sources;
};

Result<Config> LoadConfig(const std::string& path);
// `origin` names the text in messages (a file path).
Result<Config> ParseConfig(std::string_view text, const std::string& origin);

// "+08:00", "-05:30", "Z", "UTC" → minutes east of UTC.
Result<int> ParseUtcOffset(std::string_view text);

}  // namespace nm
