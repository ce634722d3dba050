// The rollover: when the mirror passes its budget ([rollover] in the
// configuration: the bytes of its article and asset files, the articles of
// one outlet's folder), the articles of every year before the current one
// (whole calendar years in the list zone, never the current one) move to an
// archive repository of their own, "{name}-{year}", which is itself a mirror
// in the format: its articles, their state, list and month pages, README and
// feeds, its pages linking within it.
//
// The live mirror keeps each moved article's state record, marked with its
// year (ArticleRecord::archive_year): an entry of it that shows up again is
// unchanged, never archived twice, and ids are never reused. Its list and
// month pages link moved articles at the archive repository's web address
// ([rollover] web), so every page keeps working links; its readers (feeds,
// site, search) see only what it still holds.
//
// The order is the safe one: the archive repository (a work tree under
// .newsmirror/archives/{name}-{year}, cloned from its remote when one is
// configured and it is not there yet) is written and committed first, and
// pushed when asked; only once its commit holds every moved file does the
// live mirror mark the records, rewrite its pages and remove the files, in
// one journal (journal.h), and commit. A rollover killed at any step leaves
// both repositories consistent and the next one finishes it; one that finds
// nothing to move changes nothing. Both repositories' files are written the
// same way each time, so a rollover done again writes the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "publish/git_repo.h"
#include "util/status.h"

namespace nm {

struct RolloverOptions {
  std::string root;          // the live mirror
  bool dry_run = false;      // measure and tell, write nothing
  bool push_archives = false;  // push each archive repository to its remote before the live mirror changes
  bool push = false;         // also push the live mirror to [publish] remotes
  int64_t now_ms = 0;        // 0 = the clock (tests pin it)
};

// What the live mirror holds against its budget.
struct RolloverBudget {
  int64_t bytes = 0;               // article and asset files as checked out
  int unmeasured_outlets = 0;      // outlets whose files the checkout leaves out (not counted in bytes)
  std::string fullest_outlet;      // the outlet with the most articles here
  int64_t fullest_files = 0;
  bool over = false;
  std::string Describe(const RolloverConfig& config) const;
};

struct RolledYear {
  int year = 0;
  std::string repository;          // "{name}-{year}"
  std::string dir;                 // its work tree
  int articles = 0;                // articles moved now
  std::string archive_commit;      // its HEAD after the rollover
  bool archive_committed = false;  // a new commit was made
  std::vector<PushOutcome> pushes; // of the archive repository
};

struct RolloverReport {
  Status status;                   // not ok: nothing (more) was done
  RolloverBudget budget;
  int current_year = 0;
  std::vector<RolledYear> years;
  std::string nothing_to_do;       // why nothing moved, when nothing did
  bool committed = false;          // the live mirror's commit
  std::string commit;
  Status commit_status;
  std::vector<PushOutcome> pushes; // of the live mirror
  std::vector<std::string> notes;
  bool AllSucceeded() const;
};

// Measures the live mirror and, when it is over budget, rolls it over.
RolloverReport RollOver(const Config& config, const RolloverOptions& options);

// The run's check for one outlet (cheap: from the records it loaded): a
// warning when `live_articles` passes [rollover] max_files_per_folder, ""
// otherwise (and always without [rollover]).
std::string FolderBudgetWarning(const RolloverConfig& config, const std::string& outlet, int64_t live_articles);

}  // namespace nm
