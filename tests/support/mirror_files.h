// Reading a mirror's files in end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace nm {

// The file's bytes, or "<missing: PATH>" (which no expectation matches).
std::string Slurp(const std::string& path);

// The paths of articles/{outlet}/*, sorted (newest id first); empty when the
// folder does not exist.
std::vector<std::string> ArticleFiles(const std::string& mirror, const std::string& outlet);

}  // namespace nm
