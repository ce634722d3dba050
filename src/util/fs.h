// Small file-system helpers with error values.
//
// WriteFileAtomic writes to a temporary file in the same folder, flushes it
// to disk and renames it over the target, so a reader (or a killed run) sees
// either the old file or the new one, never a part. With `tmp_dir`, the
// temporary file goes there instead (same file system), so that one killed
// mid-write is left in a folder its owner clears, not beside the target.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

Result<std::string> ReadFile(const std::string& path);
Status WriteFileAtomic(const std::string& path, std::string_view data, bool sync = true,
                       const std::string& tmp_dir = "");
// The same for a file made of `pieces`, written one after another (no copy
// of the whole is ever made).
Status WriteFileAtomic(const std::string& path, const std::vector<std::string_view>& pieces, bool sync = true,
                       const std::string& tmp_dir = "");
// Creates `dir` and its parents.
Status MakeDirs(const std::string& dir);

}  // namespace nm
