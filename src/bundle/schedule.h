// [bundle] in `run`: the offline bundles a mirror keeps, written when their
// period's articles change and pruned so that they stay within a bound.
//
// The paths of the bundles (layout/layout.h names them; relative to the
// mirror's root, or with "bundles/" left out to [bundle] folder):
//   bundles/index.tsv                    what each kept bundle holds: name,
//                                        fingerprint, articles (text, sorted;
//                                        always in the mirror, committed)
//   bundles/all/{YYYY-MM-DD}.{epub|html}   a day of every outlet
//   bundles/all/{YYYY-MM}.{epub|html}      a month of every outlet
//   bundles/{outlet}/{period}.{ext}        one outlet's (outlets = "each", "both")
//
// The periods kept are the keep_days days and the keep_months months before
// the one in progress (with `current`, ending with the one in progress), in
// the list zone. A bundle is written when its fingerprint (bundle.h) differs
// from the one index.tsv records — a new or changed article of its period,
// or other options — and not at all for a period without articles. Any file
// under bundles/ named like a bundle that is not one of those kept is
// removed, so the mirror holds at most (keep_days + keep_months) × formats ×
// scopes bundles, each under max_mb.
//
// The growth budget: git keeps every version of a committed bundle, so the
// bundles written into the mirror on one day (list zone) add at most
// max_growth_mb to its history (default formats × scopes × max_mb). index.tsv
// keeps the day and the bytes written on it ("#written" line); a bundle that
// would go past the budget is not written, but deferred: reported, marked in
// the index ("-", its old file kept) and made again by a later run with room in
// its day's budget, newest period first. Bundles in `folder` have no such budget.
// A run that changed no outlet, whose kept periods are all in index.tsv and
// that has no deferred bundle it could write reads nothing more.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "config/config.h"

namespace nm {

// "{scope}/{period}.{ext}" below layout::BundlesDir() (or [bundle] folder);
// scope "all" or an outlet.
std::string BundleName(const std::string& scope, const std::string& period, BundleFormat format);

struct ScheduledBundles {
  std::vector<PlannedWrite> mirror_writes;  // through the run's journal: bundles in the mirror, removals, the index
  std::vector<PlannedWrite> folder_writes;  // relative to `folder`, when the bundles go there
  std::vector<std::string> written;         // bundle names written
  std::vector<std::string> removed;         // bundle names pruned
  std::vector<std::string> errors;          // bundles that could not be made, with the cause
  std::vector<std::string> deferred;        // bundles over the day's growth budget, with their size (written later)
};

// `changed_outlets`: the outlets whose state this run wrote. `folder`: where
// the bundles go ("" = the mirror; else [bundle] folder or run's
// --bundle-folder).
ScheduledBundles PlanScheduledBundles(const std::string& root, const Config& config,
                                      const std::set<std::string>& changed_outlets, int64_t now_ms,
                                      const std::string& folder);

}  // namespace nm
