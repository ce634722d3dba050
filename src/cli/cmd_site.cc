// newsmirror site: render the archive as a static web site.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "config/config.h"
#include "site/site_builder.h"

namespace nm::cli {

void AddSiteCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string archive = "mirror", out, base_url, config;
    bool jekyll = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "site",
      "Render the mirror as a static web site (home page, per-outlet and monthly lists, one\n"
      "page per article, Atom feeds, title search) for GitHub Pages or any static host.\n"
      "A rebuild writes only the pages that changed. The archive is only read (it may be\n"
      "read-only); images stored in it (images = \"local\") are copied into the site's images/.\n"
      "A text-only edition (no images, every page under 20 KB) goes into text/, linked from\n"
      "every page.\n"
      "Exit status: 0 built; 1 usage or configuration error, or --archive is not a mirror;\n"
      "3 the site could not be written.");
  cmd->add_option("-a,--archive", args->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("-o,--out", args->out, "The site's folder (created; not the archive, inside it or holding it)")->required();
  cmd->add_option("--base-url", args->base_url, "The site's public URL, for absolute links in its feeds ([site] base_url)");
  cmd->add_option("-c,--config", args->config, "Read [site], [archive] and [publish] mirrors from this configuration");
  cmd->add_flag("--jekyll-posts", args->jekyll, "Also write Jekyll _posts/ with front matter ([site] jekyll_posts)");
  cmd->callback([&exit_code, args] {
    SiteBuildOptions opts;
    opts.archive = args->archive;
    opts.out = args->out;
    opts.site.footer = ReaderFooterFor(nullptr);
    if (!args->config.empty()) {
      auto config = LoadConfig(args->config);
      if (!config.ok()) {
        PrintText(stderr, "newsmirror: " + config.status().message() + "\n");
        exit_code = kExitUsage;
        return;
      }
      opts.site.base_url = config->site.base_url;
      opts.site.utc_offset_minutes = config->archive.list_utc_offset_minutes;
      opts.jekyll_posts = config->site.jekyll_posts;
      opts.site.footer = ReaderFooterFor(&*config);
      opts.site.mirrors = config->archive.mirrors;
    }
    if (!args->base_url.empty()) opts.site.base_url = args->base_url;
    if (args->jekyll) opts.jekyll_posts = true;
    auto stats = BuildSite(opts);
    if (!stats.ok()) {
      PrintText(stderr, "newsmirror: " + stats.status().message() + "\n");
      exit_code = stats.status().kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
      return;
    }
    std::string line = "site: " + std::to_string(stats->pages) + " pages, " + std::to_string(stats->written) +
                       " written, " + std::to_string(stats->unchanged) + " unchanged, " +
                       std::to_string(stats->removed) + " removed";
    if (stats->images || stats->images_missing) {
      line += "; " + std::to_string(stats->images) + " stored images";
      if (stats->images_missing) {
        line += " (" + std::to_string(stats->images_missing) + " missing from the archive's assets/)";
      }
    }
    PrintText(stderr, line + "\n");
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
