#include "state/outlet_state.h"

#include <algorithm>
#include <charconv>

namespace nm {

namespace {

constexpr std::string_view kHeader =
    "# newsmirror state v1: id\tpublished_ms\tblob\tfile\tguid\tlink\ttitle";

void AppendEscaped(std::string& out, std::string_view field) {
  for (char c : field) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out.push_back(c);
    }
  }
}

std::string Unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) {
      char n = field[++i];
      out.push_back(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string OutletStatePath(std::string_view outlet) {
  return "state/" + std::string(outlet) + ".tsv";
}

std::string SerializeOutletState(const OutletState& state) {
  std::string out;
  out.reserve(128 + state.records.size() * 200);
  out.append(kHeader).push_back('\n');
  auto meta = [&out](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    out.push_back('@');
    out.append(key).push_back('\t');
    AppendEscaped(out, value);
    out.push_back('\n');
  };
  meta("url", state.validators.url);
  meta("etag", state.validators.etag);
  meta("last_modified", state.validators.last_modified);
  for (const ArticleRecord& r : state.records) {
    out += std::to_string(r.id);
    out.push_back('\t');
    out += std::to_string(r.published_ms);
    for (const std::string* f : {&r.blob, &r.file, &r.guid, &r.link, &r.title}) {
      out.push_back('\t');
      AppendEscaped(out, *f);
    }
    out.push_back('\n');
  }
  return out;
}

Result<OutletState> ParseOutletState(std::string_view text) {
  OutletState state;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> fields;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (line[0] == '@') {
      if (fields.size() != 2) continue;  // a key a later version added; skip
      std::string_view key = fields[0].substr(1);
      std::string value = Unescape(fields[1]);
      if (key == "url") state.validators.url = value;
      else if (key == "etag") state.validators.etag = value;
      else if (key == "last_modified") state.validators.last_modified = value;
      continue;
    }
    ArticleRecord r;
    if (fields.size() < 7 || !ParseInt(fields[0], r.id) || !ParseInt(fields[1], r.published_ms)) {
      return Status::Corruption("line " + std::to_string(line_no) + " is not a valid record");
    }
    r.blob = Unescape(fields[2]);
    r.file = Unescape(fields[3]);
    r.guid = Unescape(fields[4]);
    r.link = Unescape(fields[5]);
    r.title = Unescape(fields[6]);
    state.records.push_back(std::move(r));
  }
  if (!std::is_sorted(state.records.begin(), state.records.end(),
                      [](const ArticleRecord& a, const ArticleRecord& b) { return a.id > b.id; })) {
    std::sort(state.records.begin(), state.records.end(),
              [](const ArticleRecord& a, const ArticleRecord& b) { return a.id > b.id; });
  }
  return state;
}

}  // namespace nm
