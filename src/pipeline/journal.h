// Makes the files of one run appear together or not at all.
//
// A run first writes every file it is about to change into one journal
// (.newsmirror/journal, flushed to disk), then writes the files, then removes
// the journal. A run killed before the journal is complete changes nothing; a
// run killed after that leaves a complete journal, which the next run replays
// before it does anything else. So a killed run never leaves an article
// without its state record, or a list page pointing at a missing file.
#pragma once

#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "util/status.h"

namespace nm {

// Writes the journal, applies `writes` under `root`, and removes the journal.
Status ApplyWrites(const std::string& root, const std::vector<PlannedWrite>& writes);

// Replays a complete journal left by a killed run (and drops an incomplete
// one). Sets *replayed to the number of files restored.
Status RecoverJournal(const std::string& root, int* replayed);

// Files written but not yet committed, kept in .newsmirror/uncommitted so the
// commit stages exactly these (git_repo.h, CommitOptions::files) instead of
// scanning the whole archive — also after a run killed between writing and
// committing. ApplyWrites adds its paths before it writes the journal;
// ForgetUncommitted clears the list after a commit.
Result<std::vector<std::string>> UncommittedFiles(const std::string& root);
Status ForgetUncommitted(const std::string& root);

}  // namespace nm
