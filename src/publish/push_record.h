// state/pushes.txt: each remote's last successful push, kept in the mirror so
// that a dead host is visible there, in `run --json` and in the run's summary.
//
// One line per configured remote, sorted by name, tab-separated: the remote,
// the time of its last successful push that took a new commit (RFC 3339, or
// "-"), that commit, the time its pushes started failing ("-" while they
// succeed) and the first error since then (tabs and line breaks made spaces).
// A line changes only when a remote takes a new commit, starts failing or
// recovers, so a run without news changes nothing.
//
// The pushes happen after the commit, so a run writes the record after its
// pushes, straight to the work tree (atomically, not through the journal),
// and the next run that commits anything takes it into that commit
// (PushRecordWrite); a run that would commit nothing else leaves it, so the
// record never causes a commit of its own (which would need a push, which
// would change the record).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "publish/git_repo.h"
#include "util/status.h"

namespace nm {

struct PushRecord {
  std::string remote;
  int64_t last_ok_ms = 0;          // 0: never pushed successfully (as far as the record knows)
  std::string commit;              // the commit that push took ("" when unknown)
  int64_t failing_since_ms = 0;    // 0: the last push succeeded
  std::string error;               // the first error since failing_since_ms
};

std::string FormatPushRecords(const std::vector<PushRecord>& records);
// Lines that cannot be read are skipped (the record only informs).
std::vector<PushRecord> ParsePushRecords(std::string_view text);
// The record in the mirror's work tree; empty when there is none.
std::vector<PushRecord> ReadPushRecords(const std::string& root);

// The records after `pushes` of `commit` ("" when unknown) at `now_ms` (in
// whole seconds, as the text keeps it): one
// per remote of `remotes`, in name order (remotes no longer configured are
// dropped; a remote not pushed this time keeps its line).
std::vector<PushRecord> UpdatePushRecords(const std::vector<PushRecord>& old, const std::vector<PushOutcome>& pushes,
                                          const std::vector<std::string>& remotes, const std::string& commit,
                                          int64_t now_ms);

// Writes the records to the work tree when they differ from the file there.
Status WritePushRecords(const std::string& root, const std::vector<PushRecord>& records);

// The record as a write for the journal when a file is there, so that a run
// with something to commit carries it along; nullopt otherwise.
std::optional<PlannedWrite> PushRecordWrite(const std::string& root);

// Whether `r` has failed every push for longer than `warn_hours`.
bool PushRecordStale(const PushRecord& r, int64_t now_ms, int warn_hours);

}  // namespace nm
