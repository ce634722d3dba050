// newsmirror bundle: a period's articles as one EPUB book or one HTML file.
#include <chrono>
#include <memory>

#include "bundle/bundle.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/config.h"
#include "util/fs.h"

namespace nm::cli {

void AddBundleCommand(CLI::App& app, int& exit_code) {
  struct Args {
    std::string archive = "mirror", format, out, since, day, month, config, title;
    std::vector<std::string> sources;
    double max_mb = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "bundle",
      "Write a period's articles as one file to pass on and read offline: an EPUB 3 book\n"
      "(a chapter per outlet, a table of contents, each article with its date, title, link to\n"
      "the original and the images stored in the mirror) or one self-contained HTML file that\n"
      "opens from file:// with no network (stored images inlined; nothing is fetched from any\n"
      "host). Images only on the image proxy are left out with their alt text. The file stays\n"
      "under --max-mb: the oldest articles, then images, are left out, and the bundle says so.\n"
      "The period is --day, --month or --since (default: the last 24 hours), in [archive]\n"
      "list_utc_offset's zone (+08:00 unless --config says otherwise). The archive is only read.\n"
      "Exit status: 0 written; 1 usage or configuration error, --archive is not a mirror, or\n"
      "no such --source; 3 the file could not be written.");
  cmd->add_option("-a,--archive", args->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("-f,--format", args->format, "epub or html")->required()->check(CLI::IsMember({"epub", "html"}));
  cmd->add_option("-o,--out", args->out, "The file to write")->required();
  cmd->add_option("-s,--source", args->sources, "Only this outlet; may be repeated");
  auto* since = cmd->add_option("--since", args->since, "Articles of the last DURATION (90m, 36h, 7d, 2w)");
  auto* day = cmd->add_option("--day", args->day, "Articles of the day YYYY-MM-DD");
  auto* month = cmd->add_option("--month", args->month, "Articles of the month YYYY-MM");
  since->excludes(day)->excludes(month);
  day->excludes(month);
  cmd->add_option("--max-mb", args->max_mb, "Size budget in MB of 1,000,000 bytes (default [bundle] max_mb, else 20)")
      ->check(CLI::Range(0.05, 2000.0));
  cmd->add_option("--title", args->title, "The bundle's title (default: newsmirror)");
  cmd->add_option("-c,--config", args->config,
                  "Read [archive] list_utc_offset, [bundle] max_mb and epub_font, [[source]] language,\n"
                  "[publish] mirrors (the mirror's copies, named at the end of the bundle)");
  cmd->callback([&exit_code, args] {
    auto fail = [&](int code, const std::string& message) {
      PrintText(stderr, "newsmirror: " + message + "\n");
      exit_code = code;
    };
    BundleRequest request;
    request.format = *ParseBundleFormat(args->format);
    request.outlets = args->sources;
    request.title = args->title.empty() ? "newsmirror" : args->title;
    std::optional<Config> config;
    if (!args->config.empty()) {
      auto loaded = LoadConfig(args->config);
      if (!loaded.ok()) return fail(kExitUsage, loaded.status().message());
      config = std::move(loaded).value();
      request.utc_offset_minutes = config->archive.list_utc_offset_minutes;
      request.max_bytes = config->bundle.max_bytes;
      if (request.format == BundleFormat::kEpub) request.font_file = config->bundle.epub_font;
      for (const SourceConfig& s : config->sources) {
        if (!s.language.empty()) request.languages[s.name] = s.language;
      }
    }
    request.footer = ReaderFooterFor(config ? &*config : nullptr);
    if (args->max_mb > 0) request.max_bytes = static_cast<int64_t>(args->max_mb * 1'000'000);
    if (!args->day.empty() || !args->month.empty()) {
      auto period = args->day.empty() ? MonthPeriod(args->month, request.utc_offset_minutes)
                                      : DayPeriod(args->day, request.utc_offset_minutes);
      if (!period.ok()) return fail(kExitUsage, (args->day.empty() ? "--month: " : "--day: ") + period.status().message());
      request.from_ms = period->from_ms;
      request.to_ms = period->to_ms;
      request.period = period->name;
    } else {
      auto span = ParseDuration(args->since.empty() ? "24h" : args->since);
      if (!span.ok()) return fail(kExitUsage, "--since: " + span.status().message());
      int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      request.from_ms = now - *span;
      std::string from = DayOf(request.from_ms, request.utc_offset_minutes);
      std::string to = DayOf(now, request.utc_offset_minutes);
      request.period = from == to ? from : from + " – " + to;
    }
    if (Status s = CheckIsMirror(args->archive); !s.ok()) return fail(kExitUsage, s.message());
    auto view = LoadMirror(args->archive);
    if (!view.ok()) return fail(kExitFailed, view.status().message());
    auto bundle = MakeBundle(*view, request);
    if (!bundle.ok()) {
      return fail(bundle.status().kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed,
                  bundle.status().message());
    }
    for (const std::string& w : bundle->warnings) PrintText(stderr, "newsmirror: warning: " + w + " (left out)\n");
    if (Status s = WriteFileAtomic(args->out, bundle->bytes, true); !s.ok()) return fail(kExitFailed, s.message());
    std::string line = "bundle: " + args->out + ": " + std::to_string(bundle->articles) +
                       (bundle->articles == 1 ? " article" : " articles") + ", " + std::to_string(bundle->images) +
                       " stored images, " + std::to_string(bundle->bytes.size()) + " bytes";
    if (bundle->articles_left_out) {
      line += "; " + std::to_string(bundle->articles_left_out) + " older articles left out (budget " +
              std::to_string(request.max_bytes) + " bytes)";
    }
    if (bundle->images_left_out) line += "; " + std::to_string(bundle->images_left_out) + " stored images left out";
    if (bundle->articles == 0 && bundle->articles_left_out == 0) line += "; no article in " + request.period;
    PrintText(stderr, line + "\n");
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
