#include "publish/push_record.h"

#include <algorithm>
#include <map>

#include "dates/date_parser.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "util/fs.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr std::string_view kHeader =
    "# newsmirror: each remote's last successful push (run --push), written after the pushes and committed with "
    "the next commit.\n"
    "# remote\tlast successful push\tcommit\tfailing since\tfirst error since\n";

constexpr size_t kMaxErrorBytes = 300;

std::string Time(int64_t ms) { return ms ? Rfc3339(ms) : "-"; }

int64_t ReadTime(std::string_view s) {
  if (s == "-") return 0;
  return ParseDate(s).value_or(0);
}

// One field: no tab or line break, "-" for nothing, at most kMaxErrorBytes
// (cut before a UTF-8 continuation byte).
std::string Field(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '\t' || c == '\n' || c == '\r' ? ' ' : c;
  if (out.size() > kMaxErrorBytes) {
    out.resize(Utf8CutPoint(out, kMaxErrorBytes));
    out += "…";
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string FormatPushRecords(const std::vector<PushRecord>& records) {
  std::string out(kHeader);
  for (const PushRecord& r : records) {
    out += Field(r.remote) + "\t" + Time(r.last_ok_ms) + "\t" + Field(r.commit) + "\t" + Time(r.failing_since_ms) +
           "\t" + (r.failing_since_ms ? Field(r.error) : "-") + "\n";
  }
  return out;
}

std::vector<PushRecord> ParsePushRecords(std::string_view text) {
  std::vector<PushRecord> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    auto parts = SplitOn(line, '\t');
    if (parts.size() != 5 || parts[0].empty() || parts[0] == "-") continue;
    PushRecord r;
    r.remote = std::string(parts[0]);
    r.last_ok_ms = ReadTime(parts[1]);
    r.commit = parts[2] == "-" ? "" : std::string(parts[2]);
    r.failing_since_ms = ReadTime(parts[3]);
    r.error = parts[4] == "-" ? "" : std::string(parts[4]);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<PushRecord> ReadPushRecords(const std::string& root) {
  auto text = ReadFileBelow(root, layout::PushRecordPath());
  return text.ok() ? ParsePushRecords(*text) : std::vector<PushRecord>();
}

std::vector<PushRecord> UpdatePushRecords(const std::vector<PushRecord>& old, const std::vector<PushOutcome>& pushes,
                                          const std::vector<std::string>& remotes, const std::string& commit,
                                          int64_t now_ms) {
  now_ms = now_ms / 1000 * 1000;  // the record keeps whole seconds, as it reads them back
  std::map<std::string, PushRecord> by_remote;
  for (const std::string& remote : remotes) by_remote[remote].remote = remote;
  for (const PushRecord& r : old) {
    if (by_remote.count(r.remote)) by_remote[r.remote] = r;
  }
  for (const PushOutcome& p : pushes) {
    auto it = by_remote.find(p.remote);
    if (it == by_remote.end()) continue;
    PushRecord& r = it->second;
    if (p.status.ok()) {
      // A push of the commit the record already names changes nothing: the
      // record moves only with new commits, failures and recoveries.
      if (r.failing_since_ms || !r.last_ok_ms || (!commit.empty() && commit != r.commit)) {
        r.last_ok_ms = now_ms;
        if (!commit.empty()) r.commit = commit;
      }
      r.failing_since_ms = 0;
      r.error.clear();
    } else if (!r.failing_since_ms) {
      r.failing_since_ms = now_ms;
      r.error = p.status.message();
    }
  }
  std::vector<PushRecord> out;
  for (auto& [remote, r] : by_remote) out.push_back(std::move(r));
  return out;
}

Status WritePushRecords(const std::string& root, const std::vector<PushRecord>& records) {
  std::string text = FormatPushRecords(records);
  auto existing = ReadFileBelow(root, layout::PushRecordPath());
  if (existing.ok() && *existing == text) return Status::Ok();
  return WriteFileBelow(root, layout::PushRecordPath(), text, /*sync=*/true, layout::TmpDir());
}

std::optional<PlannedWrite> PushRecordWrite(const std::string& root) {
  auto text = ReadFileBelow(root, layout::PushRecordPath());
  if (!text.ok()) return std::nullopt;
  return PlannedWrite{layout::PushRecordPath(), std::move(text).value()};
}

bool PushRecordStale(const PushRecord& r, int64_t now_ms, int warn_hours) {
  return r.failing_since_ms && now_ms - r.failing_since_ms >= int64_t{warn_hours} * 3600 * 1000;
}

}  // namespace nm
