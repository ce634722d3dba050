#include "pipeline/shard.h"

#include <charconv>
#include <cstdint>

#include "util/hash.h"

namespace nm {

namespace {
bool ParsePositive(std::string_view s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && v > 0;
}
}  // namespace

Result<Shard> ParseShard(std::string_view text) {
  size_t slash = text.find('/');
  Shard s;
  if (slash == std::string_view::npos || !ParsePositive(text.substr(0, slash), s.index) ||
      !ParsePositive(text.substr(slash + 1), s.count) || s.index > s.count) {
    return Status::InvalidArgument("--shard wants K/N with 1 <= K <= N (e.g. 2/3), not '" + std::string(text) + "'");
  }
  return s;
}

int ShardOf(std::string_view name, int count) {
  // FNV-1a: tiny, fixed forever, and the same on every platform.
  uint64_t h = Fnv1a64(name);
  return count <= 1 ? 1 : static_cast<int>(h % static_cast<uint64_t>(count)) + 1;
}

}  // namespace nm
