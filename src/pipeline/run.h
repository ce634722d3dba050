// One run of the mirror: fetch every source, archive what is new, publish.
//
// A configuration without an enabled source is refused (InvalidArgument
// naming its file) before anything is opened. RunMirror takes the run lock of the mirror folder, completes a run that was
// killed (journal.h), fetches the selected sources concurrently, parses each
// feed, merges its entries into the outlet's archive, writes every changed
// file as one atomic step, and then commits and pushes when asked (and
// records each remote's push in state/pushes.txt, push_record.h). With
// [mail], an unsharded run sends the digests that are due before its commit,
// which carries what they sent (mail/send_digests.h). A source
// that fails (network, HTTP, unreadable feed) is reported and skipped; the
// others are archived and published all the same. Within a source, an entry
// that cannot be archived is quarantined (outlet_archive.h) and the others go
// on; what a library throws while one feed or page is read fails that feed or
// page only (util/contain.h).
// With [bundle], an unsharded run that wrote something also writes the
// offline bundles whose period changed (bundle/schedule.h) before the commit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "config/config.h"
#include "mail/send_digests.h"
#include "pipeline/mirror_session.h"
#include "pipeline/shard.h"
#include "publish/git_repo.h"
#include "publish/push_record.h"
#include "util/status.h"

namespace nm {

struct RunOptions {
  std::string out_dir;                 // the mirror repository's root
  std::vector<std::string> sources;    // only these (by name); empty = all enabled
  Shard shard;                         // only the selected sources of this shard (shard.h)
  int jobs = 0;                        // 0 = the configuration's
  bool commit = false;
  bool push = false;
  bool dry_run = false;                // fetch and merge, write nothing: no folder, no lock, no journal replay
  int64_t now_ms = 0;                  // 0 = the clock (tests pin it)
  std::string bundle_folder;           // [bundle]'s bundles go here instead ("" = [bundle] folder, else the mirror)
  bool mail = true;                    // send the [mail] digests (unsharded runs only)
};

struct SourceReport {
  std::string name;
  std::string url;
  enum class Outcome { kArchived, kNotModified, kFailed } outcome = Outcome::kFailed;
  // kNotModified because the feed came back as the last run read it
  // (pipeline/unchanged_feed.h), not because the server said 304.
  bool decided_unchanged = false;
  std::string error;                   // why it failed, for the operator
  int entries = 0;                     // entries in the feed
  int new_articles = 0;
  int updated = 0;
  int unchanged = 0;
  int pages_fetched = 0;               // article pages whose text was used (full_text)
  int pages_failed = 0;                // pages that could not be read (the feed's text kept)
  int images_stored = 0;               // images downloaded into assets/ (images = local/both)
  int images_failed = 0;
  bool retries_pending = false;        // pages or images the next run tries again (complete.h)
  // Entries that could not be archived (outlet_archive.h): tried and failed
  // this run, or skipped as their attempts are used up.
  std::vector<QuarantineNotice> quarantined;
  std::vector<std::string> warnings;
  std::string encoding;
  double seconds = 0;                  // fetching time
};

struct RunReport {
  Status status;                       // not ok: the run as a whole failed (nothing published)
  std::vector<SourceReport> sources;
  std::vector<std::string> written;    // files written (or that would be, with dry_run)
  int recovered_files = 0;             // restored from an interrupted run's journal
  CarriedOver carried_over;            // articles earlier runs left uncommitted (with commit only)
  bool committed = false;
  std::string commit;                  // commit id when committed
  Status commit_status;
  std::vector<PushOutcome> pushes;
  std::vector<std::string> bundle_errors;  // [bundle] bundles that could not be made, with the cause
  std::vector<std::string> bundles_deferred;  // [bundle] bundles left for a later day by the growth budget
  std::vector<PushRecord> push_records;  // state/pushes.txt after this run's pushes (with push only)
  MailReport mail;                     // the [mail] digests

  bool AllSucceeded() const;
};

// Told about progress as the run goes (the command line shows it).
struct RunObserver {
  virtual ~RunObserver() = default;
  virtual void FetchStarted(size_t total) {}
  virtual void SourceFetched(const SourceReport& report, size_t done, size_t total) {}
  virtual void Note(const std::string& message) {}
};

RunReport RunMirror(const Config& config, const RunOptions& options, RunObserver* observer = nullptr);

// The warning line for a quarantined entry.
std::string QuarantineWarning(const QuarantineNotice& q);

// The commit message for a run: a summary line, then one line per outlet;
// articles an earlier run left uncommitted are counted and listed apart.
std::string CommitMessage(const RunReport& report);

}  // namespace nm
