// Reads a ZIP archive (an EPUB book) in tests: every entry's name and bytes,
// and the order of the entries. A buffer that is no ZIP fails the test.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace nm {

std::map<std::string, std::string> UnzipBytes(const std::string& bytes, std::vector<std::string>* order = nullptr);

}  // namespace nm
