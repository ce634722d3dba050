#include "mail/mail_state.h"

#include <charconv>
#include <vector>

#include "dates/date_parser.h"
#include "layout/layout.h"
#include "publish/mirror_feed.h"
#include "util/hash.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr std::string_view kHeader =
    "# newsmirror: what the e-mail digests have sent ([mail]). Recipients are named by a hash of their address.\n"
    "# start {outlet} {id}: ids below are mailed · to {recipient} {last digest} {ok|more|failed} {failing since} · "
    "sent {recipient} {outlet} {smallest id sent}\n";

std::string Time(int64_t ms) { return ms ? Rfc3339(ms) : "-"; }

bool ReadId(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

bool ReadTime(std::string_view s, int64_t* out) {
  if (s == "-") {
    *out = 0;
    return true;
  }
  auto ms = ParseDate(s);
  if (!ms) return false;
  *out = *ms;
  return true;
}

// Outlet names hold no tab or line break (config/config.h); a key is hex.
bool PlainField(std::string_view s) {
  return !s.empty() && s.find_first_of("\t\n\r") == std::string_view::npos;
}

}  // namespace

bool MailState::operator==(const MailState& o) const {
  if (start != o.start || recipients.size() != o.recipients.size()) return false;
  for (const auto& [key, r] : recipients) {
    auto it = o.recipients.find(key);
    if (it == o.recipients.end()) return false;
    const RecipientState& q = it->second;
    if (r.last_sent_ms != q.last_sent_ms || r.standing != q.standing || r.failing_since_ms != q.failing_since_ms ||
        r.sent != q.sent) {
      return false;
    }
  }
  return true;
}

std::string RecipientKey(std::string_view address) {
  return GitBlobId("newsmirror mail recipient\n" + AsciiLower(address)).substr(0, 16);
}

std::string FormatMailState(const MailState& state) {
  std::string out(kHeader);
  for (const auto& [outlet, id] : state.start) out += "start\t" + outlet + "\t" + std::to_string(id) + "\n";
  for (const auto& [key, r] : state.recipients) {
    const char* standing = r.standing == RecipientState::Standing::kOk     ? "ok"
                           : r.standing == RecipientState::Standing::kMore ? "more"
                                                                           : "failed";
    out += "to\t" + key + "\t" + Time(r.last_sent_ms) + "\t" + standing + "\t" +
           Time(r.standing == RecipientState::Standing::kFailed ? r.failing_since_ms : 0) + "\n";
  }
  for (const auto& [key, r] : state.recipients) {
    for (const auto& [outlet, id] : r.sent) out += "sent\t" + key + "\t" + outlet + "\t" + std::to_string(id) + "\n";
  }
  return out;
}

Result<MailState> ParseMailState(std::string_view text) {
  MailState state;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&] {
      return Status::Corruption(layout::MailStatePath() + ":" + std::to_string(line_no) + ": cannot read '" +
                                std::string(line.substr(0, 120)) + "'");
    };
    auto f = SplitOn(line, '\t');
    if (f[0] == "start" && f.size() == 3 && PlainField(f[1])) {
      int64_t id;
      if (!ReadId(f[2], &id)) return bad();
      state.start[std::string(f[1])] = id;
    } else if (f[0] == "to" && f.size() == 5 && PlainField(f[1])) {
      RecipientState& r = state.recipients[std::string(f[1])];
      if (!ReadTime(f[2], &r.last_sent_ms) || !ReadTime(f[4], &r.failing_since_ms)) return bad();
      if (f[3] == "ok") r.standing = RecipientState::Standing::kOk;
      else if (f[3] == "more") r.standing = RecipientState::Standing::kMore;
      else if (f[3] == "failed") r.standing = RecipientState::Standing::kFailed;
      else return bad();
    } else if (f[0] == "sent" && f.size() == 4 && PlainField(f[1]) && PlainField(f[2])) {
      int64_t id;
      if (!ReadId(f[3], &id)) return bad();
      state.recipients[std::string(f[1])].sent[std::string(f[2])] = id;
    } else {
      return bad();
    }
  }
  return state;
}

}  // namespace nm
