// Query latency of the search index on a mirror: newsmirror_search_bench MIRROR QUERY...
// Prints, per query, the hits and the median and 90th percentile of 30 runs
// (the index must already be built: run `newsmirror search` once first), and
// the time to find the index up to date (what every `search` pays).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "search/search_index.h"

using Clock = std::chrono::steady_clock;

static double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MIRROR QUERY...\n", argv[0]);
    return 1;
  }
  std::string root = argv[1];
  auto t0 = Clock::now();
  nm::SyncStats stats;
  auto idx = nm::OpenMirrorIndex(root, &stats);
  if (!idx.ok()) {
    std::fprintf(stderr, "%s\n", idx.status().message().c_str());
    return 1;
  }
  std::printf("up-to-date check (load state, compare, nothing to index): %.1f ms (indexed %d)\n",
              Ms(Clock::now() - t0), stats.indexed);
  for (int a = 2; a < argc; ++a) {
    nm::SearchQuery q;
    q.text = argv[a];
    q.limit = 20;
    std::vector<double> times;
    size_t hits = 0;
    for (int i = 0; i < 30; ++i) {
      auto t = Clock::now();
      auto r = idx->Search(q);
      times.push_back(Ms(Clock::now() - t));
      hits = r.ok() ? r->size() : 0;
    }
    std::sort(times.begin(), times.end());
    std::printf("%s\t%zu hits\tmedian %.2f ms\tp90 %.2f ms\n", argv[a], hits, times[15], times[27]);
  }
  return 0;
}
