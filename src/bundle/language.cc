#include "bundle/language.h"

#include <set>

#include "util/text.h"

namespace nm {

namespace {

// Frequent characters that Simplified and Traditional Chinese write
// differently, pair by pair.
constexpr std::string_view kSimplified =
    "这们国说时会发对经为来过后个动还进没学么开长现关问点见间车东样机体员题实门话电业两从无与书气头将军战总统华区变乐万义议应岛湾习记报导领权选举协维护让认产党亚欧罗乌兰";
constexpr std::string_view kTraditional =
    "這們國說時會發對經為來過後個動還進沒學麼開長現關問點見間車東樣機體員題實門話電業兩從無與書氣頭將軍戰總統華區變樂萬義議應島灣習記報導領權選舉協維護讓認產黨亞歐羅烏蘭";

std::set<uint32_t> CodePoints(std::string_view s) {
  std::set<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    out.insert(DecodeUtf8At(s, i, &len));
    i += len;
  }
  return out;
}

}  // namespace

std::string GuessLanguageTag(std::string_view text) {
  static const std::set<uint32_t> simplified = CodePoints(kSimplified);
  static const std::set<uint32_t> traditional = CodePoints(kTraditional);
  size_t han = 0, kana = 0, hangul = 0, latin = 0, simp = 0, trad = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(text, i, &len);
    i += len;
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2FFFF)) {
      ++han;
      if (simplified.count(cp)) ++simp;
      if (traditional.count(cp)) ++trad;
    } else if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF)) {
      ++kana;
    } else if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F)) {
      ++hangul;
    } else if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F)) {
      ++latin;
    }
  }
  // A few kana among Han is Japanese; Chinese text has none.
  if (kana > 0 && kana * 20 >= han) return "ja";
  if (hangul > 0 && hangul >= han) return "ko";
  if (han > 0 && han * 2 >= latin) {
    if (simp > trad) return "zh-Hans";
    if (trad > simp) return "zh-Hant";
    return "zh";
  }
  if (latin > 0) return "en";
  if (han > 0) return "zh";
  return "und";
}

}  // namespace nm
