// Checks a mirror folder against everything newsmirror promises about it after
// a completed run, for crash, fault and shard tests.
//
// MirrorProblems lists what is wrong (empty = consistent): temporary files
// left in the work tree, article files that do not parse, state records whose
// file is missing or holds other bytes than their blob id says, article files
// without a record, a guid archived twice, an expected guid missing, a git
// repository that `git fsck` rejects or a work tree with uncommitted changes.
// In a sparse checkout, the article files it leaves out are read from HEAD's
// tree.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nm {

struct MirrorExpectation {
  std::map<std::string, std::set<std::string>> guids;  // outlet -> guids that must be archived
  bool committed = true;                                // git fsck and a clean work tree
};

std::vector<std::string> MirrorProblems(const std::string& mirror, const MirrorExpectation& expect);

// Every problem on its own line, for a test's failure message.
std::string JoinProblems(const std::vector<std::string>& problems);

}  // namespace nm
