// The files of a mirror that belong to no outlet: README.md (a link per
// outlet), .gitignore (newsmirror's lock, journal and caches) and the feeds
// of the mirror, feeds/{outlet}.xml and feeds/all.xml (publish/mirror_feed.h).
//
// PlanIndexFiles adds them to a run's writes when they would change. Every
// command that archives (run, add) calls it, so the index lists an outlet as
// soon as it has an article.
#pragma once

#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "config/config.h"

namespace nm {

// Every outlet the mirror knows: the configured ones first, in order, then
// those that only the archive holds (sources removed from the configuration,
// pages archived by `add`).
// `also` names outlets this run creates (their files are not on disk yet).
std::vector<std::string> KnownOutlets(const std::string& root, const Config& config,
                                      const std::vector<std::string>& also = {});

// `whole_mirror` is false for a shard (`run --shard`): feeds/all.xml, which
// depends on every outlet, is then left to unsharded runs, and only the feeds
// of outlets this run wrote are planned, so the shards' commits still merge.
void PlanIndexFiles(const std::string& root, const Config& config, std::vector<PlannedWrite>& writes,
                    const std::vector<std::string>& also = {}, bool whole_mirror = true);

}  // namespace nm
