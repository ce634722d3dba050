// Splits a mirror's sources among N runners that share one repository.
//
// `run --shard K/N` (1 <= K <= N) runs only the enabled sources whose shard
// is K: ShardOf(name, N) = 1 + (FNV-1a 64-bit hash of the name's UTF-8 bytes
// mod N). The hash depends on the name alone — not on the order of sources in
// the configuration, the machine or the run — so every runner agrees on the
// split, and a source keeps its shard while others are added or removed.
// A shard writes only its outlets' files (articles/{outlet}/, lists/{outlet}.md,
// state/{outlet}/) plus README.md and .gitignore, whose bytes depend on the
// configuration only; so the shards' commits merge without conflicts.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace nm {

struct Shard {
  int index = 1;  // K, 1-based
  int count = 1;  // N; 1 = every source
};

// Parses "K/N"; an error names what is wrong.
Result<Shard> ParseShard(std::string_view text);

// The 1-based shard of a source named `name` among `count` shards.
int ShardOf(std::string_view name, int count);

}  // namespace nm
