// Content ids: the git blob id (SHA-1 of "blob {size}\0{data}", hex) of a file's
// bytes, so the archive's state can be checked against git's own tree. And
// FNV-1a, for assignments that must stay the same forever and everywhere
// (a source's shard, a search gram's file, which a script computes too).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nm {

std::string GitBlobId(std::string_view data);

uint32_t Fnv1a32(std::string_view data);
uint64_t Fnv1a64(std::string_view data);

}  // namespace nm
