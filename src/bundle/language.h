// The language of an outlet's text, for the lang / xml:lang tags that make
// readers pick the right CJK glyphs and line breaking.
//
// GuessLanguageTag looks at the scripts of the text: kana → "ja", Hangul →
// "ko", Han → "zh-Hans" or "zh-Hant" by which of the characters that the two
// forms write differently occur more ("zh" when neither does), Latin →
// "en"; "und" (undetermined) for no letters at all. A configured language
// ([[source]] language) is better; this is the fallback.
#pragma once

#include <string>
#include <string_view>

namespace nm {

std::string GuessLanguageTag(std::string_view text);

}  // namespace nm
