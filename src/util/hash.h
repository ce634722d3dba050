// Content ids: the git blob id (SHA-1 of "blob {size}\0{data}", hex) of a file's
// bytes, so the archive's state can be checked against git's own tree.
#pragma once

#include <string>
#include <string_view>

namespace nm {

std::string GitBlobId(std::string_view data);

}  // namespace nm
