#include "bundle/schedule.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "layout/layout.h"
#include "state/outlet_state.h"
#include "util/fs.h"
#include "util/text.h"

namespace nm {

std::string BundleName(const std::string& scope, const std::string& period, BundleFormat format) {
  return scope + "/" + period + "." + BundleExtension(format);
}

namespace {

constexpr const char* kAllScope = "all";

struct IndexEntry {
  std::string fingerprint;  // kDeferred: over a day's growth budget, to be made again; "-": made without some articles
  int articles = 0;
};

// The bytes of bundles written into the mirror on `day` (list zone).
struct Written {
  std::string day;
  int64_t bytes = 0;  // -1: the tally on disk was not a count of bytes
};

// A tally is a whole number of bytes up to a petabyte; anything else (a
// negative, an overflow, text) is damaged, and its day's budget counts as
// spent rather than as free.
int64_t ParseTally(std::string_view text) {
  int64_t n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > 1'000'000'000'000'000) return -1;
  return n;
}

constexpr std::string_view kWrittenTag = "#written\t";
constexpr const char* kDeferred = "deferred";

std::map<std::string, IndexEntry> ReadIndex(const std::string& root, Written* written) {
  std::map<std::string, IndexEntry> out;
  auto text = ReadFileBelow(root, layout::BundleIndexPath());
  if (!text.ok()) return out;
  for (std::string_view line : SplitOn(*text, '\n', true)) {
    std::vector<std::string_view> f = SplitOn(line, '\t');
    if (line.rfind(kWrittenTag, 0) == 0 && f.size() == 3) {
      written->day = std::string(f[1]);
      written->bytes = ParseTally(f[2]);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (f.size() < 3) continue;
    out[std::string(f[0])] = {std::string(f[1]), std::atoi(std::string(f[2]).c_str())};
  }
  return out;
}

std::string FormatIndex(const std::map<std::string, IndexEntry>& index, const Written& written) {
  std::string out = "# newsmirror bundles: name, fingerprint of what it holds, articles (0: none written)\n";
  if (written.bytes > 0) out += std::string(kWrittenTag) + written.day + "\t" + std::to_string(written.bytes) + "\n";
  for (const auto& [name, e] : index) out += name + "\t" + e.fingerprint + "\t" + std::to_string(e.articles) + "\n";
  return out;
}

// The periods kept now, newest first.
std::vector<Period> KeptPeriods(const BundleScheduleConfig& bc, int64_t now_ms, int offset) {
  std::vector<Period> out;
  if (bc.daily) {
    auto today = DayPeriod(DayOf(now_ms, offset), offset);
    int64_t from = bc.current ? today->from_ms : today->from_ms - 86'400'000;
    for (int k = 0; k < bc.keep_days; ++k) {
      auto day = DayPeriod(DayOf(from - int64_t{k} * 86'400'000 + 3'600'000, offset), offset);
      out.push_back(*day);
    }
  }
  if (bc.monthly) {
    auto month = MonthPeriod(MonthOf(now_ms, offset), offset);
    if (!bc.current) month = MonthPeriod(MonthOf(month->from_ms - 1, offset), offset);
    for (int k = 0; k < bc.keep_months; ++k) {
      out.push_back(*month);
      month = MonthPeriod(MonthOf(month->from_ms - 1, offset), offset);
    }
  }
  return out;
}

// The files below `root`'s folder `rel` ("" = `root` itself) named like
// bundles ("{scope}/{period}.{ext}"), reached without links.
std::vector<std::string> ExistingBundles(const std::string& root, const std::string& rel) {
  std::vector<std::string> out;
  auto scopes = ListFolderBelow(root, rel);
  if (!scopes.ok()) return out;
  for (const FolderEntry& scope : *scopes) {
    if (scope.kind != PathKind::kFolder || (scope.name != kAllScope && !layout::CheckOutletName(scope.name).ok())) continue;
    auto files = ListFolderBelow(root, rel.empty() ? scope.name : rel + "/" + scope.name);
    if (!files.ok()) continue;
    for (const FolderEntry& f : *files) {
      if (f.kind != PathKind::kFile) continue;
      size_t dot = f.name.rfind('.');
      if (dot == std::string::npos || !ParseBundleFormat(f.name.substr(dot + 1)).ok()) continue;
      std::string period = f.name.substr(0, dot);
      if (!DayPeriod(period, 0).ok() && !MonthPeriod(period, 0).ok()) continue;
      out.push_back(scope.name + "/" + f.name);
    }
  }
  return out;
}

}  // namespace

ScheduledBundles PlanScheduledBundles(const std::string& root, const Config& config,
                                      const std::set<std::string>& changed_outlets, int64_t now_ms,
                                      const std::string& folder) {
  ScheduledBundles out;
  const BundleScheduleConfig& bc = config.bundle;
  if (!bc.enabled) return out;
  const int offset = config.archive.list_utc_offset_minutes;
  std::vector<Period> periods = KeptPeriods(bc, now_ms, offset);

  // The scopes: every outlet together, and each outlet the mirror has.
  std::set<std::string> outlets = ListStateOutlets(root);
  if (auto dirs = ListFolderBelow(root, layout::ArticlesDir()); dirs.ok()) {
    for (const FolderEntry& e : *dirs) {
      if (e.kind == PathKind::kFolder && layout::CheckOutletName(e.name).ok()) outlets.insert(e.name);
    }
  }
  std::vector<std::string> scopes;
  if (bc.all_outlets) scopes.push_back(kAllScope);
  if (bc.each_outlet) scopes.insert(scopes.end(), outlets.begin(), outlets.end());

  Written written;
  std::map<std::string, IndexEntry> old_index = ReadIndex(root, &written);
  const Written on_disk = written;
  struct Wanted {
    std::string name, scope;
    Period period;
    BundleFormat format;
  };
  std::vector<Wanted> wanted;
  for (const std::string& scope : scopes) {
    for (const Period& p : periods) {
      for (BundleFormat f : bc.formats) wanted.push_back({BundleName(scope, p.name, f), scope, p, f});
    }
  }
  std::set<std::string> wanted_names;
  for (const Wanted& w : wanted) wanted_names.insert(w.name);

  // Nothing changed and every kept period is known: nothing to read.
  bool all_known = std::all_of(wanted.begin(), wanted.end(), [&](const Wanted& w) { return old_index.count(w.name); });
  // The bundles' files: below the mirror's bundles/, or below `folder`.
  const std::string files_root = folder.empty() ? root : folder;
  const std::string files_rel = folder.empty() ? layout::BundlesDir() : std::string();
  auto file_path = [&](const std::string& name) {  // name: "{scope}/{file}"
    size_t slash = name.find('/');
    return folder.empty() ? layout::BundlePath(name.substr(0, slash), name.substr(slash + 1)) : name;
  };
  std::vector<std::string> existing = ExistingBundles(files_root, files_rel);
  bool stale = std::any_of(existing.begin(), existing.end(), [&](const std::string& n) { return !wanted_names.count(n); }) ||
               std::any_of(old_index.begin(), old_index.end(), [&](const auto& e) { return !wanted_names.count(e.first); });
  // The growth budget of the day: only bundles committed with the mirror count.
  const std::string today = DayOf(now_ms, offset);
  const int64_t budget = bc.max_growth_bytes > 0 ? bc.max_growth_bytes
                                                 : static_cast<int64_t>(bc.formats.size() * scopes.size()) * bc.max_bytes;
  if (written.day != today) written = {today, 0};
  if (written.bytes < 0) written.bytes = budget;
  // A damaged tally is kept as spent, not dropped (which would open the day
  // again at the next run).
  const Written kept = on_disk.bytes < 0 ? Written{on_disk.day, on_disk.day == today ? budget : 0} : on_disk;
  const bool room = !folder.empty() || written.bytes < budget;
  bool pending = std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) {
    auto it = old_index.find(w.name);
    return it != old_index.end() && it->second.fingerprint == kDeferred;
  });
  if (changed_outlets.empty() && all_known && !stale && (!pending || !room)) return out;

  std::map<std::string, IndexEntry> index;
  if (!wanted.empty() && (!changed_outlets.empty() || !all_known || pending)) {
    auto view = LoadMirror(root);
    if (!view.ok()) {
      out.errors.push_back("bundles: " + view.status().message());
      return out;
    }
    for (const Wanted& w : wanted) {
      BundleRequest request;
      request.format = w.format;
      if (w.scope != kAllScope) request.outlets = {w.scope};
      request.from_ms = w.period.from_ms;
      request.to_ms = w.period.to_ms;
      request.period = w.period.name;
      request.title = (w.scope == kAllScope ? std::string("newsmirror") : w.scope) + " " + w.period.name;
      request.max_bytes = bc.max_bytes;
      request.utc_offset_minutes = offset;
      if (w.format == BundleFormat::kEpub) request.font_file = bc.epub_font;
      for (const SourceConfig& s : config.sources) {
        if (!s.language.empty()) request.languages[s.name] = s.language;
      }
      request.footer = ReaderFooterFor(&config);
      if (w.scope != kAllScope && !view->Find(w.scope)) continue;
      auto selected = SelectForBundle(*view, request);
      if (!selected.ok()) {
        out.errors.push_back(file_path(w.name) + ": " + selected.status().message());
        continue;
      }
      std::string fingerprint = BundleFingerprint(*selected, request);
      size_t count = 0;
      for (const BundleOutlet& o : *selected) count += o.records.size();
      auto old = old_index.find(w.name);
      // A bundle deleted from the mirror is written again; a folder's files
      // are the release step's to take away.
      bool file_there = !folder.empty() || FileExistsBelow(files_root, file_path(w.name));
      if (old != old_index.end() && old->second.fingerprint == fingerprint && (count == 0 || file_there)) {
        index[w.name] = old->second;
        continue;
      }
      if (count == 0) {
        index[w.name] = {fingerprint, 0};
        continue;  // a stale file of it is pruned below
      }
      // Deferred: kept as it was (its file too), made again when a day has room.
      auto defer = [&](const std::string& why) {
        out.deferred.push_back(file_path(w.name) + ": " + why + " (the day's growth budget, [bundle] max_growth_mb, is " +
                               std::to_string(budget) + " bytes; " + std::to_string(written.bytes) +
                               " written); it is written on a later day");
        index[w.name] = {kDeferred, old != old_index.end() && old->second.articles > 0 ? old->second.articles
                                                                                 : static_cast<int>(count)};
      };
      if (folder.empty() && written.bytes >= budget) {
        defer("not made");
        continue;
      }
      auto bundle = MakeBundle(*view, request);
      if (bundle.ok() && folder.empty() && written.bytes + static_cast<int64_t>(bundle->bytes.size()) > budget) {
        defer(std::to_string(bundle->bytes.size()) + " bytes");
        continue;
      }
      if (!bundle.ok()) {
        out.errors.push_back(file_path(w.name) + ": " + bundle.status().message());
        if (old != old_index.end()) index[w.name] = old->second;  // tried again next run
        continue;
      }
      if (!bundle->warnings.empty()) {
        // Articles missing from the checkout (or unreadable): the bundle is
        // written without them, and made again by the next run.
        out.errors.push_back(file_path(w.name) + ": " + std::to_string(bundle->warnings.size()) +
                             " of its articles could not be read (" + bundle->warnings.front() +
                             "); it is made again next run");
        if (old != old_index.end()) index[w.name] = old->second;
        else index[w.name] = {"-", bundle->articles};
      } else {
        index[w.name] = {fingerprint, bundle->articles};
      }
      if (folder.empty()) written.bytes += static_cast<int64_t>(bundle->bytes.size());
      PlannedWrite write{file_path(w.name), std::move(bundle->bytes)};
      (folder.empty() ? out.mirror_writes : out.folder_writes).push_back(std::move(write));
      out.written.push_back(w.name);
    }
  } else {
    for (const auto& [name, e] : old_index) {
      if (wanted_names.count(name)) index[name] = e;
    }
  }
  // Pruning: bundles of periods (or scopes, formats) no longer kept, and
  // files of periods that have no article any more.
  for (const std::string& name : existing) {
    auto it = index.find(name);
    if (wanted_names.count(name) && (it == index.end() || it->second.articles > 0)) continue;
    (folder.empty() ? out.mirror_writes : out.folder_writes).push_back({file_path(name), "", true});
    out.removed.push_back(name);
  }
  // The day's tally changes only with what this run wrote.
  std::string text = FormatIndex(index, out.written.empty() || !folder.empty() ? kept : written);
  auto current = ReadFileBelow(root, layout::BundleIndexPath());
  if (!current.ok() || *current != text) out.mirror_writes.push_back({layout::BundleIndexPath(), text});
  return out;
}

}  // namespace nm
