// Names of article files: "{id}_{title}.md" (or "{id}.md").
//
// The title part is made safe on Linux, macOS and Windows: the characters
// / \ : * ? " < > | and control characters are removed, leading dots and
// trailing dots and spaces are dropped, and it is cut at a UTF-8 character
// boundary so the whole name is at most 255 bytes. A title with nothing left
// gives "{id}.md".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

// The first id of an outlet; later ones count down (names sort newest first).
inline constexpr int64_t kFirstArticleId = 0xFFFFF - 1;

std::string ArticleFileName(int64_t id, std::string_view title);

// The id of an article file name ("123_title.md" or "123.md"), or nullopt when
// the name is not one.
std::optional<int64_t> ArticleIdFromFileName(std::string_view name);

}  // namespace nm
