// What the completion step remembers about one outlet between runs.
//
// state/{outlet}.complete.txt sits beside the outlet's state folder
// state/{outlet}/ in the mirror (where it has always been: readers that list
// outlets by their state ignore it), so a fresh clone knows it too. It is text, one sorted record per
// line, tab-separated, so it diffs well:
//   page   {link key}  {feed content hash}   an article whose text the page decided
//   image  {image URL} {file}                 stored as assets/{outlet}/{file}
//   retry  {image URL} {attempts} {article link}  a download that failed; tried again next run
//   pagefail {link key} {attempts}            an article page that could not be read; fetched
//                                             again by later runs while its entry is in the feed
// The feed content hash lets a run tell an entry whose feed content changed
// (its page is fetched again) from one it has seen (its page never is).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace nm {

struct CompletionState {
  std::map<std::string, std::string> pages;   // link key → feed content hash
  std::map<std::string, std::string> images;  // image URL → file name in assets/{outlet}/
  std::map<std::pair<std::string, std::string>, int> retries;  // (image URL, article link) → attempts
  std::map<std::string, int> page_failures;   // link key → failed page fetches so far

  bool operator==(const CompletionState&) const = default;
};

std::string SerializeCompletionState(const CompletionState& state);
Result<CompletionState> ParseCompletionState(std::string_view text);

}  // namespace nm
