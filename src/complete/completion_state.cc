#include "complete/completion_state.h"

#include <charconv>
#include <optional>
#include <vector>

#include "layout/layout.h"
#include "util/text.h"

namespace nm {
namespace {

constexpr std::string_view kHeader =
    "# newsmirror completion state v1: page {link key} {feed hash} | image {url} {file} | "
    "retry {url} {attempts} {article link} | pagefail {link key} {attempts}\n";

// A field that is a whole decimal number.
std::optional<int> Count(std::string_view field) {
  int n = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), n);
  if (ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  return n;
}

// URLs and keys never hold tabs or line breaks once normalized; a value that
// does is left out rather than breaking the file.
bool Clean(std::string_view s) { return s.find_first_of("\t\r\n") == std::string_view::npos; }

}  // namespace

std::string SerializeCompletionState(const CompletionState& state) {
  std::string out(kHeader);
  for (const auto& [key, hash] : state.pages) {
    if (Clean(key) && Clean(hash)) out += "page\t" + key + "\t" + hash + "\n";
  }
  for (const auto& [url, file] : state.images) {
    if (Clean(url) && Clean(file)) out += "image\t" + url + "\t" + file + "\n";
  }
  for (const auto& [key, attempts] : state.retries) {
    if (Clean(key.first) && Clean(key.second)) {
      out += "retry\t" + key.first + "\t" + std::to_string(attempts) + "\t" + key.second + "\n";
    }
  }
  for (const auto& [key, attempts] : state.page_failures) {
    if (Clean(key)) out += "pagefail\t" + key + "\t" + std::to_string(attempts) + "\n";
  }
  return out;
}

Result<CompletionState> ParseCompletionState(std::string_view text) {
  CompletionState state;
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> f = SplitOn(line, '\t');
    auto bad = [&] {
      return Status::Corruption("line " + std::to_string(line_no) + " is not a completion record: " +
                                std::string(line.substr(0, 80)));
    };
    if (f[0] == "page" && f.size() == 3) {
      state.pages[std::string(f[1])] = std::string(f[2]);
    } else if (f[0] == "image" && f.size() == 3) {
      // The file names assets/{outlet}/{file}: checked on read as on write.
      if (Status s = layout::CheckFileName(f[2]); !s.ok()) {
        return Status::Corruption("line " + std::to_string(line_no) + ": the image file \"" + std::string(f[2]) +
                                  "\" cannot be a file name: " + s.message());
      }
      state.images[std::string(f[1])] = std::string(f[2]);
    } else if (f[0] == "retry" && f.size() == 4) {
      std::optional<int> attempts = Count(f[2]);
      if (!attempts) return bad();
      state.retries[{std::string(f[1]), std::string(f[3])}] = *attempts;
    } else if (f[0] == "pagefail" && f.size() == 3) {
      std::optional<int> attempts = Count(f[2]);
      if (!attempts) return bad();
      state.page_failures[std::string(f[1])] = *attempts;
    } else {
      return bad();
    }
  }
  return state;
}

}  // namespace nm
