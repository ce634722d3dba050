// state/mail.txt: what the e-mail digests have sent, kept in the mirror so
// that no article is mailed twice and none is skipped, also from a fresh
// clone.
//
// Articles get ever smaller ids (archive/file_name.h), so what a recipient has
// been sent of an outlet is one number: the smallest id any of its digests
// held; every article below it is still to come. The text (sorted,
// tab-separated, diff-friendly):
//   start  {outlet}  {id}        ids below this are mailed: the outlet's
//                                smallest id before the run that first mailed
//                                anything of it (its older articles are not news)
//   to     {key}  {last digest}  {ok | more | failed}  {failing since}
//                                one line per recipient; "more": the last
//                                digest was full and left articles for the next
//   sent   {key}  {outlet}  {id} the smallest id sent to the recipient
// A recipient is named by RecipientKey, a hash of the address, never by the
// address: the mirror is public, its readers' addresses are not.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "util/status.h"

namespace nm {

struct RecipientState {
  enum class Standing { kOk, kMore, kFailed };
  int64_t last_sent_ms = 0;       // 0: never sent
  Standing standing = Standing::kOk;
  int64_t failing_since_ms = 0;   // with kFailed
  std::map<std::string, int64_t> sent;  // outlet → smallest id sent
};

struct MailState {
  std::map<std::string, int64_t> start;                 // outlet → ids below are mailed
  std::map<std::string, RecipientState> recipients;     // key → state
  bool operator==(const MailState&) const;
};

// 16 hex digits of a hash of the lower-cased address.
std::string RecipientKey(std::string_view address);

std::string FormatMailState(const MailState& state);
// Corruption (with the line) for a line it cannot read: a state read in part
// could mail articles again.
Result<MailState> ParseMailState(std::string_view text);

}  // namespace nm
