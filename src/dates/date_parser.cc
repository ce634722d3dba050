#include "dates/date_parser.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

// How the parser works. A date string is first tried as ISO 8601 / W3C-DTF by
// a strict positional scanner (the shape feeds use most). Anything else is cut
// into tokens (numbers, words, punctuation) after folding case, accents and
// full-width forms; words are looked up in tables of month and weekday names,
// zones and CJK markers. The tokens are then read in three passes: the time
// (h:m[:s], "14h06", "14时06分"), the zone that follows it, then the date from
// what is left. Every token has to be accounted for, so stray text makes the
// string a non-date rather than a wrong date.
//
// Fractions of a second are dropped: feeds are compared at second precision.

namespace nm {
namespace {

// ---------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, no time zone database).

constexpr bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01. Years are shifted to start in March so that the leap
// day falls at the end of the shifted year; eras are 400-year cycles.
constexpr int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

constexpr Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(11017).month == 3);

// 0 = Sunday. 1970-01-01 was a Thursday.
constexpr int WeekdayFromDays(int64_t days) {
  int64_t w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

constexpr int64_t kMinSeconds = DaysFromCivil(1, 1, 1) * 86400;
constexpr int64_t kEndSeconds = DaysFromCivil(10000, 1, 1) * 86400;

// RFC 2822 section 4.3: two-digit years below 50 are 20xx, others 19xx.
constexpr int64_t ExpandTwoDigitYear(int64_t y) { return y < 50 ? 2000 + y : 1900 + y; }

// What a parse found, before validation.
struct Fields {
  int64_t year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool has_zone = false;
  int zone_minutes = 0;
};

std::optional<int64_t> Compose(const Fields& f, int default_zone_minutes) {
  if (f.year < 1 || f.year > 9999 || f.month < 1 || f.month > 12) return std::nullopt;
  if (f.day < 1 || f.day > DaysInMonth(f.year, f.month)) return std::nullopt;
  // 24:00:00 is the end of the day (ISO 8601); 23:59:60 is a leap second,
  // which POSIX time cannot name, so it is read as 23:59:59.
  const bool end_of_day = f.hour == 24 && f.minute == 0 && f.second == 0;
  if ((f.hour > 23 && !end_of_day) || f.hour < 0 || f.minute < 0 || f.minute > 59 || f.second < 0 ||
      f.second > 60) {
    return std::nullopt;
  }
  const int second = f.second == 60 ? 59 : f.second;
  const int zone = f.has_zone ? f.zone_minutes : default_zone_minutes;
  const int64_t secs = DaysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 +
                       second - static_cast<int64_t>(zone) * 60;
  if (secs < kMinSeconds || secs >= kEndSeconds) return std::nullopt;
  return secs * 1000;
}

// Sets f's date from an ordinal day; false if the day is not in the year.
bool SetOrdinal(Fields& f, int64_t year, int ordinal) {
  if (ordinal < 1 || ordinal > (IsLeap(year) ? 366 : 365)) return false;
  Civil c = CivilFromDays(DaysFromCivil(year, 1, 1) + ordinal - 1);
  f.year = c.year;
  f.month = c.month;
  f.day = c.day;
  return true;
}

// ISO week date: week 1 is the week (Monday first) holding January 4th.
bool SetWeekDate(Fields& f, int64_t year, int week, int weekday) {
  if (week < 1 || weekday < 1 || weekday > 7) return false;
  const int64_t jan4 = DaysFromCivil(year, 1, 4);
  const int jan4_iso = (WeekdayFromDays(jan4) + 6) % 7 + 1;  // 1 = Monday
  const int64_t week1 = jan4 - (jan4_iso - 1);
  const int64_t next_week1 = [&] {
    const int64_t n = DaysFromCivil(year + 1, 1, 4);
    return n - ((WeekdayFromDays(n) + 6) % 7);
  }();
  const int64_t day = week1 + (week - 1) * 7 + (weekday - 1);
  if (day >= next_week1) return false;
  Civil c = CivilFromDays(day);
  f.year = c.year;
  f.month = c.month;
  f.day = c.day;
  return true;
}

// ---------------------------------------------------------------------------
// ISO 8601 / RFC 3339 / W3C-DTF, scanned by position.

enum class IsoResult { kNoMatch, kInvalid, kOk };

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class IsoScanner {
 public:
  explicit IsoScanner(std::string_view s) : s_(s) {}

  IsoResult Scan(Fields& f) {
    if (!ScanDate(f)) return invalid_ ? IsoResult::kInvalid : IsoResult::kNoMatch;
    if (p_ == s_.size()) return IsoResult::kOk;
    const char sep = s_[p_];
    if (sep != 'T' && sep != 't' && sep != ' ') return IsoResult::kNoMatch;
    ++p_;
    while (sep == ' ' && p_ < s_.size() && s_[p_] == ' ') ++p_;
    if (!ScanTime(f)) return invalid_ ? IsoResult::kInvalid : IsoResult::kNoMatch;
    if (p_ == s_.size()) return IsoResult::kOk;
    size_t q = p_;
    while (q < s_.size() && s_[q] == ' ') ++q;
    p_ = q;
    if (!ScanZone(f)) return invalid_ ? IsoResult::kInvalid : IsoResult::kNoMatch;
    // Anything after the zone goes to the general reader, which rejects
    // what it cannot explain ("…-06:00Textra").
    return p_ == s_.size() ? IsoResult::kOk : IsoResult::kNoMatch;
  }

 private:
  size_t Digits(size_t at) const {
    size_t n = 0;
    while (at + n < s_.size() && IsDigit(s_[at + n])) ++n;
    return n;
  }
  int Num(size_t at, size_t n) const {
    int v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (s_[at + i] - '0');
    return v;
  }
  char At(size_t at) const { return at < s_.size() ? s_[at] : '\0'; }
  bool Fail() {
    invalid_ = true;
    return false;
  }

  bool ScanDate(Fields& f) {
    if (At(0) == '-') {
      // ISO 8601:1988 truncated forms with an implied century: -YYMM, -YY-MM, -YY.
      const size_t n = Digits(1);
      if (n == 4) {
        f.year = ExpandTwoDigitYear(Num(1, 2));
        f.month = Num(3, 2);
        p_ = 5;
      } else if (n == 2 && At(3) == '-' && Digits(4) == 2) {
        f.year = ExpandTwoDigitYear(Num(1, 2));
        f.month = Num(4, 2);
        p_ = 6;
      } else if (n == 2) {
        f.year = ExpandTwoDigitYear(Num(1, 2));
        p_ = 3;
      } else {
        return false;
      }
      return p_ == s_.size() ? true : Fail();
    }
    const size_t n = Digits(0);
    if (n == 4) return ScanFullYearDate(f);
    if (n == 2 && At(2) == '-') {
      const int64_t year = ExpandTwoDigitYear(Num(0, 2));
      const size_t m = Digits(3);
      if (m == 3) {
        p_ = 6;
        return SetOrdinal(f, year, Num(3, 3)) || Fail();
      }
      if (m != 2) return false;
      f.year = year;
      f.month = Num(3, 2);
      p_ = 5;
      if (At(5) == '-') {
        if (Digits(6) != 2) return false;
        f.day = Num(6, 2);
        p_ = 8;
      }
      return true;
    }
    // Compact forms: YYDDD, YYMMDD, YYYYDDD, YYYYMMDD, YYYYWwwD.
    p_ = n;
    switch (n) {
      case 5:
        // A five-digit run is read as YYDDD only when it starts with 0: one
        // starting otherwise is an over-long year, which W3C-DTF rejects.
        if (s_[0] != '0') return Fail();
        return SetOrdinal(f, ExpandTwoDigitYear(Num(0, 2)), Num(2, 3)) || Fail();
      case 6:
        f.year = ExpandTwoDigitYear(Num(0, 2));
        f.month = Num(2, 2);
        f.day = Num(4, 2);
        return true;
      case 7:
        return SetOrdinal(f, Num(0, 4), Num(4, 3)) || Fail();
      case 8:
        f.year = Num(0, 4);
        f.month = Num(4, 2);
        f.day = Num(6, 2);
        return true;
      default:
        return n > 0 && p_ == s_.size() ? Fail() : false;
    }
  }

  bool ScanFullYearDate(Fields& f) {
    f.year = Num(0, 4);
    p_ = 4;
    const bool extended = At(4) == '-';
    if (extended) ++p_;
    if (At(p_) == 'W' || At(p_) == 'w') {
      const size_t w = Digits(p_ + 1);
      if (w != 2 && w != 3) return false;
      const int week = Num(p_ + 1, 2);
      int weekday = 1;
      p_ += 3;
      if (w == 3) {
        weekday = Num(p_, 1);
        ++p_;
      } else if (extended && At(p_) == '-' && Digits(p_ + 1) == 1) {
        weekday = Num(p_ + 1, 1);
        p_ += 2;
      }
      return SetWeekDate(f, f.year, week, weekday) || Fail();
    }
    if (!extended) return p_ == s_.size();  // "2003"
    const size_t m = Digits(p_);
    if (m == 2) {
      f.month = Num(p_, 2);
      p_ += 2;
      if (At(p_) == '-') {
        if (Digits(p_ + 1) != 2) return false;
        f.day = Num(p_ + 1, 2);
        p_ += 3;
      }
      return true;
    }
    if (m == 3) {
      // Some generators pad the month to three digits ("2003-012-31"); an
      // ordinal day is never followed by another field.
      if (s_[p_] == '0' && At(p_ + 3) == '-' && Digits(p_ + 4) == 2) {
        f.month = Num(p_ + 1, 2);
        f.day = Num(p_ + 4, 2);
        p_ += 6;
        return true;
      }
      const int ordinal = Num(p_, 3);
      p_ += 3;
      return SetOrdinal(f, f.year, ordinal) || Fail();
    }
    return false;
  }

  // hh[:mm[:ss]][.fff] or hh[mm[ss]][.fff]; one-digit hours are tolerated.
  bool ScanTime(Fields& f) {
    const size_t h = Digits(p_);
    if (h == 0) return false;
    if (At(p_ + h) == ':') {
      if (h > 2) return Fail();
      f.hour = Num(p_, h);
      p_ += h + 1;
      if (Digits(p_) != 2) return Fail();
      f.minute = Num(p_, 2);
      p_ += 2;
      if (At(p_) == ':') {
        if (Digits(p_ + 1) != 2) return Fail();
        f.second = Num(p_ + 1, 2);
        p_ += 3;
      }
    } else if (h == 2 || h == 4 || h == 6) {
      f.hour = Num(p_, 2);
      if (h >= 4) f.minute = Num(p_ + 2, 2);
      if (h == 6) f.second = Num(p_ + 4, 2);
      p_ += h;
    } else {
      return Fail();
    }
    if ((At(p_) == '.' || At(p_) == ',') && Digits(p_ + 1) > 0) p_ += 1 + Digits(p_ + 1);
    return true;
  }

  bool ScanZone(Fields& f) {
    const char c = At(p_);
    if (c == 'Z' || c == 'z') {
      ++p_;
      f.has_zone = true;
      f.zone_minutes = 0;
      return true;
    }
    if (c != '+' && c != '-') return false;
    const size_t n = Digits(p_ + 1);
    int hours = 0, minutes = 0;
    if (n == 2 && At(p_ + 3) == ':') {
      if (Digits(p_ + 4) != 2) return false;
      hours = Num(p_ + 1, 2);
      minutes = Num(p_ + 4, 2);
      p_ += 6;
    } else if (n == 2 || n == 4) {
      hours = Num(p_ + 1, 2);
      if (n == 4) minutes = Num(p_ + 3, 2);
      p_ += 1 + n;
    } else {
      return false;
    }
    if (hours > 23 || minutes > 59) return Fail();
    f.has_zone = true;
    f.zone_minutes = (c == '-' ? -1 : 1) * (hours * 60 + minutes);
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
  bool invalid_ = false;
};

// ---------------------------------------------------------------------------
// Folding: lower case, no accents, ASCII forms of full-width characters.

// Base letters for U+0100..U+017F (Latin Extended-A), in code point order.
constexpr std::string_view kLatinExtA =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "ii" "jj" "kkk"
    "llllllllll" "nnnnnnnnn" "oooooo" "oo" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy"
    "zzzzzz" "s";
static_assert(kLatinExtA.size() == 128);

// Base letters for U+00C0..U+00FF; '*' keeps the character itself.
constexpr std::string_view kLatin1 =
    "aaaaaa*ceeeeiiii" "dnooooo*ouuuuy**" "aaaaaa*ceeeeiiii" "dnooooo*ouuuuy*y";
static_assert(kLatin1.size() == 64);

char32_t Fold(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xFF) {
    const char b = kLatin1[c - 0xC0];
    if (b != '*') return static_cast<char32_t>(b);
    return c >= 0xC0 && c <= 0xDE && c != 0xD7 ? c + 32 : c;
  }
  if (c >= 0x100 && c <= 0x17F) return static_cast<char32_t>(kLatinExtA[c - 0x100]);
  if (c >= 0x370 && c <= 0x3FF) {
    switch (c) {
      case 0x386: case 0x3AC: return 0x3B1;  // alpha
      case 0x388: case 0x3AD: return 0x3B5;  // epsilon
      case 0x389: case 0x3AE: return 0x3B7;  // eta
      case 0x38A: case 0x3AF: case 0x390: case 0x3AA: case 0x3CA: return 0x3B9;  // iota
      case 0x38C: case 0x3CC: return 0x3BF;  // omicron
      case 0x38E: case 0x3CD: case 0x3B0: case 0x3AB: case 0x3CB: return 0x3C5;  // upsilon
      case 0x38F: case 0x3CE: return 0x3C9;  // omega
      case 0x3C2: return 0x3C3;              // final sigma
      default: break;
    }
    if (c >= 0x391 && c <= 0x3A9) return c + 0x20;
    return c;
  }
  if (c >= 0x400 && c <= 0x52F) {
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c >= 0x400 && c <= 0x40F) c += 0x50;
    if (c >= 0x460 && c % 2 == 0) return c + 1;  // paired upper/lower forms, incl. U+0490
    return c == 0x451 ? 0x435 : c;               // yo reads as ye
  }
  if (c >= 0xFF01 && c <= 0xFF5E) return Fold(c - 0xFEE0);  // full-width ASCII
  switch (c) {
    case 0xA0: case 0x3000: case 0x202F: return ' ';
    case 0x3001: return ',';
    case 0x3002: return '.';
    case 0x2212: case 0x2010: case 0x2011: case 0x2013: case 0x2014: return '-';
    case 0x2019: case 0x2BC: return '\'';
    default: break;
  }
  if (c >= 0x2000 && c <= 0x200B) return ' ';
  return c;
}

// Decodes UTF-8; malformed bytes become U+FFFD, which no table contains.
size_t DecodeFolded(std::string_view s, char32_t* out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < s.size() && n < cap;) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    char32_t c = 0xFFFD;
    size_t len = 1;
    if (b < 0x80) {
      c = b;
    } else if (b >= 0xC2 && b < 0xF5) {
      len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      if (i + len <= s.size()) {
        c = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < len; ++k) {
          const unsigned char t = static_cast<unsigned char>(s[i + k]);
          if ((t & 0xC0) != 0x80) {
            c = 0xFFFD;
            len = k;
            break;
          }
          c = (c << 6) | (t & 0x3F);
        }
      } else {
        len = s.size() - i;
      }
    }
    out[n++] = Fold(c);
    i += len;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Word tables.

enum Marker : uint8_t { kNoMarker, kYear, kMonth, kDay, kHour, kMinute, kSecond };

struct WordInfo {
  int month = 0;            // 1..12 when the word names a month
  bool weekday = false;     // a day name, ignored (it is often wrong)
  bool zone = false;        // a zone name; zone_minutes east of UTC
  int zone_minutes = 0;
  bool military = false;    // one-letter RFC 822 zone: only right after a time
  bool offset_base = false; // GMT/UTC/UT may be followed by +hh:mm
  bool etc = false;         // "Etc/" as in Etc/GMT
  int ampm = 0;             // 1 = before noon, 2 = after noon
  bool ampm_anywhere = false;  // CJK markers stand before the time
  bool ignorable = false;   // "de", "at", "um", ordinal suffixes, "T" between date and time
  bool hour_sep = false;    // "h" as in 14h06
  Marker marker = kNoMarker;  // CJK/Korean unit after a number
  bool korean = false;      // implies Korea Standard Time when no zone is given
  bool known() const {
    return month || weekday || zone || ampm || ignorable || hour_sep || marker || etc;
  }
};

std::u32string FoldUtf8(std::string_view s) {
  std::u32string out(s.size(), U'\0');
  out.resize(DecodeFolded(s, out.data(), out.size()));
  return out;
}

struct NamedMonth {
  std::u32string name;
  int month;
  bool full;  // full names also match by unique prefix (3+ letters)
};

struct NamedWeekday {
  std::u32string name;
  bool full;
};

struct ZoneName {
  std::u32string name;
  int minutes;
};

struct CjkWord {
  std::u32string text;
  WordInfo info;
};

struct Tables {
  std::vector<NamedMonth> months;
  std::vector<NamedWeekday> weekdays;
  std::vector<ZoneName> zones;
  std::vector<std::u32string> ignorable;
  std::vector<CjkWord> cjk;
};

const Tables& GetTables() {
  static const Tables tables = [] {
    Tables t;
    // Month names, January first, in the languages feeds are written in.
    // Nominative and genitive forms both appear ("январь", "4 января").
    static constexpr const char* kMonthNames[][12] = {
        {"january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"},
        {"januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
         "oktober", "november", "dezember"},
        {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre"},
        {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"},
        {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
         "settembre", "ottobre", "novembre", "dicembre"},
        {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
         "outubro", "novembro", "dezembro"},
        {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
         "oktober", "november", "december"},
        {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
         "oktober", "november", "december"},
        {"januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
         "oktober", "november", "desember"},
        {"január", "február", "március", "április", "május", "június", "július", "augusztus",
         "szeptember", "október", "november", "december"},
        {"ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august",
         "septembrie", "octombrie", "noiembrie", "decembrie"},
        {"styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
         "wrzesień", "październik", "listopad", "grudzień"},
        {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
         "września", "października", "listopada", "grudnia"},
        {"leden", "únor", "březen", "duben", "květen", "červen", "červenec", "srpen", "září",
         "říjen", "listopad", "prosinec"},
        {"ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim",
         "kasım", "aralık"},
        {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
         "октябрь", "ноябрь", "декабрь"},
        {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
         "октября", "ноября", "декабря"},
        {"січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень",
         "вересень", "жовтень", "листопад", "грудень"},
        {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
         "жовтня", "листопада", "грудня"},
        {"ιανουάριος", "φεβρουάριος", "μάρτιος", "απρίλιος", "μάιος", "ιούνιος", "ιούλιος",
         "αύγουστος", "σεπτέμβριος", "οκτώβριος", "νοέμβριος", "δεκέμβριος"},
        {"ιανουαρίου", "φεβρουαρίου", "μαρτίου", "απριλίου", "μαΐου", "ιουνίου", "ιουλίου",
         "αυγούστου", "σεπτεμβρίου", "οκτωβρίου", "νοεμβρίου", "δεκεμβρίου"},
    };
    for (const auto& row : kMonthNames) {
      for (int m = 0; m < 12; ++m) t.months.push_back({FoldUtf8(row[m]), m + 1, true});
    }
    // Abbreviations that are not prefixes of a full name.
    static constexpr std::pair<const char*, int> kMonthAbbrevs[] = {
        {"mrz", 3}, {"mrt", 3}, {"jänner", 1}, {"ιον", 6}, {"ιολ", 7}, {"μαϊ", 5},
        {"sept", 9}, {"noe", 11}};
    for (const auto& [name, m] : kMonthAbbrevs) t.months.push_back({FoldUtf8(name), m, false});

    static constexpr const char* kWeekdayNames[] = {
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sonntag", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
        "sonnabend", "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
        "domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domenica",
        "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "segunda", "terça",
        "quarta", "quinta", "sexta", "zondag", "maandag", "dinsdag", "woensdag", "donderdag",
        "vrijdag", "zaterdag", "söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag",
        "lördag", "niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota",
        "pazar", "pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "minggu",
        "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "vasárnap", "hétfő", "kedd",
        "szerda", "csütörtök", "péntek", "szombat", "duminică", "luni", "marți", "miercuri",
        "joi", "vineri", "sâmbătă", "воскресенье", "понедельник", "вторник", "среда", "четверг",
        "пятница", "суббота", "неділя", "понеділок", "вівторок", "середа", "четвер", "пʼятниця",
        "пятниця", "субота", "κυριακή", "δευτέρα", "τρίτη", "τετάρτη", "πέμπτη", "παρασκευή",
        "σάββατο"};
    for (const char* name : kWeekdayNames) t.weekdays.push_back({FoldUtf8(name), true});
    static constexpr const char* kWeekdayAbbrevs[] = {"пн", "вт", "ср", "чт", "пт", "сб", "вс",
                                                      "нд", "σαβ"};
    for (const char* name : kWeekdayAbbrevs) t.weekdays.push_back({FoldUtf8(name), false});

    // Zone abbreviations (minutes east of UTC). CST is the US one, as feeds
    // that mean China write +0800. RFC 822's military letters follow its own
    // (inverted) signs.
    static constexpr std::pair<const char*, int> kZones[] = {
        {"ut", 0}, {"utc", 0}, {"gmt", 0}, {"uct", 0}, {"z", 0}, {"zulu", 0}, {"wet", 0},
        {"west", 60}, {"bst", 60}, {"cet", 60}, {"cest", 120}, {"met", 60}, {"mest", 120},
        {"mez", 60}, {"mesz", 120}, {"eet", 120}, {"eest", 180}, {"msk", 180}, {"msd", 240},
        {"ist", 330}, {"idt", 180}, {"pkt", 300}, {"ict", 420}, {"wib", 420}, {"hkt", 480},
        {"sgt", 480}, {"pht", 480}, {"awst", 480}, {"jst", 540}, {"kst", 540}, {"acst", 570},
        {"acdt", 630}, {"aest", 600}, {"aedt", 660}, {"nzst", 720}, {"nzdt", 780},
        {"nst", -210}, {"ndt", -150}, {"ast", -240}, {"adt", -180}, {"at", -240},
        {"est", -300}, {"edt", -240}, {"et", -300}, {"cst", -360}, {"cdt", -300}, {"ct", -360},
        {"mst", -420}, {"mdt", -360}, {"mt", -420}, {"pst", -480}, {"pdt", -420}, {"pt", -480},
        {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"hast", -600}, {"hadt", -540},
        {"brt", -180}};
    for (const auto& [name, minutes] : kZones) t.zones.push_back({FoldUtf8(name), minutes});

    static constexpr const char* kIgnorable[] = {
        "t", "at", "on", "of", "the", "um", "uhr", "am", "de", "del", "do", "da", "le", "la",
        "el", "a", "as", "alle", "ore", "om", "den", "der", "kl", "klo", "г", "год", "года",
        "в", "r", "roku", "o", "feira", "st", "nd", "rd", "th", "et", "und", "y", "e", "di"};
    for (const char* w : kIgnorable) t.ignorable.push_back(FoldUtf8(w));

    // CJK and Korean words. Longest match wins, so "星期日" is a weekday and
    // not a day marker.
    auto add = [&t](const char* text, WordInfo info) { t.cjk.push_back({FoldUtf8(text), info}); };
    auto marker = [](Marker m, bool korean = false) {
      WordInfo w;
      w.marker = m;
      w.korean = korean;
      return w;
    };
    auto ampm = [](int which, bool korean = false) {
      WordInfo w;
      w.ampm = which;
      w.ampm_anywhere = true;
      w.korean = korean;
      return w;
    };
    WordInfo weekday;
    weekday.weekday = true;
    WordInfo korean_weekday = weekday;
    korean_weekday.korean = true;
    WordInfo skip;
    skip.ignorable = true;
    WordInfo beijing;
    beijing.zone = true;
    beijing.zone_minutes = 480;
    for (const char* m : {"年"}) add(m, marker(kYear));
    for (const char* m : {"月"}) add(m, marker(kMonth));
    for (const char* m : {"日", "号", "號"}) add(m, marker(kDay));
    for (const char* m : {"時", "时", "点", "點"}) add(m, marker(kHour));
    for (const char* m : {"分"}) add(m, marker(kMinute));
    for (const char* m : {"秒"}) add(m, marker(kSecond));
    add("년", marker(kYear, true));
    add("월", marker(kMonth, true));
    add("일", marker(kDay, true));
    add("시", marker(kHour, true));
    add("분", marker(kMinute, true));
    add("초", marker(kSecond, true));
    for (const char* m : {"上午", "早上", "凌晨", "清晨", "午前"}) add(m, ampm(1));
    for (const char* m : {"下午", "中午", "晚上", "傍晚", "午後"}) add(m, ampm(2));
    add("오전", ampm(1, true));
    add("오후", ampm(2, true));
    static constexpr const char* kDayChars[] = {"一", "二", "三", "四", "五", "六", "日", "天"};
    for (const char* prefix : {"星期", "周", "週", "礼拜", "禮拜"}) {
      for (const char* d : kDayChars) add((std::string(prefix) + d).c_str(), weekday);
    }
    for (const char* d : {"月", "火", "水", "木", "金", "土", "日"}) {
      add((std::string(d) + "曜日").c_str(), weekday);
      add((std::string(d) + "曜").c_str(), weekday);
    }
    for (const char* d : {"월", "화", "수", "목", "금", "토", "일"}) {
      add((std::string(d) + "요일").c_str(), korean_weekday);
    }
    for (const char* w : {"北京时间", "北京時間"}) add(w, beijing);
    for (const char* w : {"发布", "發布", "發佈", "更新", "于", "於", "时间", "時間"}) add(w, skip);
    return t;
  }();
  return tables;
}

bool StartsWith(std::u32string_view whole, std::u32string_view prefix) {
  return whole.size() >= prefix.size() && whole.substr(0, prefix.size()) == prefix;
}

WordInfo ClassifyWord(std::u32string_view w) {
  const Tables& t = GetTables();
  WordInfo info;
  if (w == U"etc") info.etc = true;
  if (w == U"h") info.hour_sep = true;
  if (w == U"am" || w == U"pm") info.ampm = w == U"am" ? 1 : 2;
  for (const auto& z : t.zones) {
    if (w == z.name) {
      info.zone = true;
      info.zone_minutes = z.minutes;
      info.offset_base = z.minutes == 0 && w != U"z";
      break;
    }
  }
  if (!info.zone && w.size() == 1 && w[0] >= 'a' && w[0] <= 'z' && w[0] != 'j') {
    // RFC 822: A..I = -1..-9, K..M = -10..-12, N..Y = +1..+12, Z = 0.
    const char32_t c = w[0];
    info.zone = true;
    info.military = true;
    info.zone_minutes = c < 'j' ? -60 * static_cast<int>(c - 'a' + 1)
                        : c <= 'm' ? -60 * static_cast<int>(c - 'a')
                                   : 60 * static_cast<int>(c - 'n' + 1);
  }
  // Months: an exact name, else a unique month among names it begins.
  int prefix_month = 0;
  bool ambiguous = false;
  for (const auto& m : t.months) {
    if (w == m.name) {
      info.month = m.month;
      break;
    }
    if (m.full && w.size() >= 3 && StartsWith(m.name, w)) {
      if (prefix_month && prefix_month != m.month) ambiguous = true;
      prefix_month = m.month;
    }
  }
  if (!info.month && !ambiguous) info.month = prefix_month;
  for (const auto& d : t.weekdays) {
    if (w == d.name || (d.full && w.size() >= 2 && StartsWith(d.name, w))) {
      info.weekday = true;
      break;
    }
  }
  for (const auto& i : t.ignorable) {
    if (w == i) {
      info.ignorable = true;
      break;
    }
  }
  return info;
}

// ---------------------------------------------------------------------------
// Tokens.

enum class Kind : uint8_t { kNum, kWord, kPunct };

struct Token {
  Kind kind = Kind::kPunct;
  bool space_before = false;
  bool used = false;
  int digits = 0;
  int64_t value = 0;
  char32_t punct = 0;
  WordInfo word;
};

constexpr size_t kMaxChars = 256;
constexpr size_t kMaxTokens = 64;

bool IsLetter(char32_t c) {
  if ((c >= 'a' && c <= 'z') || c == '\'') return true;
  if (c >= 0xC0 && c <= 0x52F) return c != 0xD7 && c != 0xF7;
  return false;
}

bool IsCjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Tokenizer {
 public:
  // False when the text is too long or malformed to be a date.
  bool Run(std::u32string_view s, std::array<Token, kMaxTokens>& out, size_t& count) {
    count = 0;
    bool space = false;
    for (size_t i = 0; i < s.size();) {
      const char32_t c = s[i];
      if (IsSpace(c)) {
        space = true;
        ++i;
        continue;
      }
      if (c == '(' || c == 0xFF08) {
        // Comments ("(PST)", "(三)", "(China Standard Time)") are skipped.
        int depth = 0;
        for (; i < s.size(); ++i) {
          if (s[i] == '(') ++depth;
          if (s[i] == ')' && --depth == 0) break;
        }
        if (i == s.size()) return false;
        ++i;
        space = true;
        continue;
      }
      if (count == kMaxTokens) return false;
      Token& t = out[count++];
      t = Token();
      t.space_before = space;
      space = false;
      if (c >= '0' && c <= '9') {
        t.kind = Kind::kNum;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (++t.digits > 18) return false;
          t.value = t.value * 10 + (s[i] - '0');
          ++i;
        }
      } else if (IsLetter(c) && c != '\'') {
        t.kind = Kind::kWord;
        const size_t start = i;
        while (i < s.size() && IsLetter(s[i])) ++i;
        std::u32string_view w = s.substr(start, i - start);
        // "a.m." and "p.m." read as one word.
        if ((w == U"a" || w == U"p") && i + 1 < s.size() && s[i] == '.' && s[i + 1] == 'm') {
          i += 2;
          if (i < s.size() && s[i] == '.') ++i;
          w = w == U"a" ? U"am" : U"pm";
        }
        t.word = ClassifyWord(w);
      } else if (IsCjk(c)) {
        t.kind = Kind::kWord;
        size_t best = 0;
        for (const auto& entry : GetTables().cjk) {
          if (entry.text.size() > best && StartsWith(s.substr(i), entry.text)) {
            best = entry.text.size();
            t.word = entry.info;
          }
        }
        i += best ? best : 1;  // an unknown character stays an unknown word
      } else {
        t.kind = Kind::kPunct;
        t.punct = c;
        ++i;
      }
    }
    return true;
  }
};

// ---------------------------------------------------------------------------
// Reading the tokens.

class Reader {
 public:
  Reader(std::array<Token, kMaxTokens>& toks, size_t n) : t_(toks), n_(n) {}

  std::optional<Fields> Read() {
    if (!ReadTime()) return std::nullopt;
    if (!ReadAmPm()) return std::nullopt;
    if (have_time_ && !ReadZoneAt(zone_at_)) return std::nullopt;
    if (!ReadDate()) return std::nullopt;
    if (!f_.has_zone && korean_) {
      f_.has_zone = true;
      f_.zone_minutes = 9 * 60;  // Korean forms carry no zone: they are in KST
    }
    return f_;
  }

 private:
  bool IsPunct(size_t i, char32_t c) const {
    return i < n_ && t_[i].kind == Kind::kPunct && t_[i].punct == c;
  }
  bool IsNum(size_t i) const { return i < n_ && t_[i].kind == Kind::kNum && !t_[i].used; }
  bool IsWord(size_t i) const { return i < n_ && t_[i].kind == Kind::kWord && !t_[i].used; }
  bool IsMarker(size_t i, Marker m) const { return IsWord(i) && t_[i].word.marker == m; }
  void Use(size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) t_[k].used = true;
  }

  bool ReadTime() {
    for (size_t i = 0; i < n_; ++i) {
      if (!IsNum(i) || t_[i].digits > 2) continue;
      // "+08:00" is a zone, not a time.
      if (i > 0 && (IsPunct(i - 1, '+') || IsPunct(i - 1, '-')) && !t_[i].space_before) continue;
      size_t j = i;
      if (IsPunct(i + 1, ':') && IsNum(i + 2) && t_[i + 2].digits <= 2) {
        f_.hour = static_cast<int>(t_[i].value);
        f_.minute = static_cast<int>(t_[i + 2].value);
        j = i + 3;
        if (IsPunct(j, ':')) {
          if (!IsNum(j + 1) || t_[j + 1].digits > 2) return false;
          f_.second = static_cast<int>(t_[j + 1].value);
          j += 2;
          if ((IsPunct(j, '.') || IsPunct(j, ',')) && IsNum(j + 1) && !t_[j + 1].space_before) j += 2;
        }
        if (IsPunct(j, ':')) return false;  // "1:2:3:4"
      } else if (IsWord(i + 1) && t_[i + 1].word.hour_sep) {
        f_.hour = static_cast<int>(t_[i].value);
        j = i + 2;
        if (IsNum(j) && t_[j].digits == 2) {
          f_.minute = static_cast<int>(t_[j].value);
          ++j;
        }
      } else if (IsMarker(i + 1, kHour)) {
        f_.hour = static_cast<int>(t_[i].value);
        j = i + 2;
        if (IsNum(j) && t_[j].digits <= 2 && IsMarker(j + 1, kMinute)) {
          f_.minute = static_cast<int>(t_[j].value);
          j += 2;
          if (IsNum(j) && t_[j].digits <= 2 && IsMarker(j + 1, kSecond)) {
            f_.second = static_cast<int>(t_[j].value);
            j += 2;
          }
        }
      } else {
        continue;
      }
      if (have_time_) return false;  // two times: not one date
      have_time_ = true;
      Use(i, j);
      zone_at_ = j;
      i = j - 1;
    }
    return true;
  }

  bool ReadAmPm() {
    int which = 0;
    for (size_t i = 0; i < n_; ++i) {
      if (!IsWord(i) || !t_[i].word.ampm) continue;
      const WordInfo& w = t_[i].word;
      // Latin "am"/"pm" follow the time; elsewhere "am" is German ("am 4. Mai").
      const bool placed = w.ampm_anywhere || (have_time_ && i == zone_at_);
      if (!placed) continue;
      if (!have_time_ || which) return false;
      which = w.ampm;
      t_[i].used = true;
      if (w.korean) korean_ = true;
      if (i == zone_at_) ++zone_at_;
    }
    if (which == 0) return true;
    if (f_.hour > 12) return which == 2;  // "14:00 PM" is redundant, "14:00 AM" is not a time
    f_.hour = which == 2 ? f_.hour % 12 + 12 : f_.hour % 12;
    return true;
  }

  // ±hh, ±hhmm, ±hmm, ±hh:mm starting at i; returns tokens consumed, 0 if none.
  size_t ReadOffset(size_t i, bool invert, int& minutes) {
    if (!(IsPunct(i, '+') || IsPunct(i, '-')) || !IsNum(i + 1)) return 0;
    const Token& n = t_[i + 1];
    int hours = 0, mins = 0;
    size_t used = 2;
    if (n.digits <= 2) {
      hours = static_cast<int>(n.value);
      if (IsPunct(i + 2, ':') && IsNum(i + 3) && t_[i + 3].digits == 2) {
        mins = static_cast<int>(t_[i + 3].value);
        used = 4;
      }
    } else if (n.digits <= 4) {
      hours = static_cast<int>(n.value / 100);
      mins = static_cast<int>(n.value % 100);
    } else {
      return 0;
    }
    if (hours > 23 || mins > 59) {
      invalid_ = true;
      return 0;
    }
    const bool negative = IsPunct(i, '-') != invert;
    minutes = (negative ? -1 : 1) * (hours * 60 + mins);
    return used;
  }

  bool ReadZoneAt(size_t i) {
    int minutes = 0;
    bool etc = false;
    if (IsWord(i) && t_[i].word.etc && IsPunct(i + 1, '/') && IsWord(i + 2)) {
      // POSIX names count the other way: Etc/GMT+5 is five hours west.
      Use(i, i + 2);
      i += 2;
      etc = true;
    }
    if (IsWord(i) && t_[i].word.zone) {
      const WordInfo& w = t_[i].word;
      t_[i].used = true;
      f_.has_zone = true;
      f_.zone_minutes = w.zone_minutes;
      if (w.offset_base) {
        if (size_t used = ReadOffset(i + 1, etc, minutes)) {
          Use(i + 1, i + 1 + used);
          f_.zone_minutes = minutes;
        }
      }
    } else if (size_t used = ReadOffset(i, false, minutes)) {
      Use(i, i + used);
      f_.has_zone = true;
      f_.zone_minutes = minutes;
    } else if (etc) {
      return false;
    }
    return !invalid_;
  }

  bool ReadDate() {
    // CJK units first: "2023年1月4日".
    bool year_set = false, month_set = false, day_set = false;
    for (size_t i = 0; i + 1 < n_; ++i) {
      if (!IsNum(i) || !IsWord(i + 1)) continue;
      const WordInfo& w = t_[i + 1].word;
      if (w.marker != kYear && w.marker != kMonth && w.marker != kDay) continue;
      bool& set = w.marker == kYear ? year_set : w.marker == kMonth ? month_set : day_set;
      if (set) return false;
      set = true;
      if (w.korean) korean_ = true;
      const int64_t v = t_[i].value;
      if (w.marker == kYear) {
        f_.year = t_[i].digits <= 2 ? ExpandTwoDigitYear(v) : v;
      } else if (t_[i].digits > 2) {
        return false;
      } else if (w.marker == kMonth) {
        f_.month = static_cast<int>(v);
      } else {
        f_.day = static_cast<int>(v);
      }
      Use(i, i + 2);
    }

    struct Num {
      int64_t value;
      int digits;
      char32_t sep;  // the separator just before it
      size_t index;
    };
    std::array<Num, 4> nums;
    size_t num_count = 0;
    std::array<size_t, 4> month_words;
    size_t month_word_count = 0;
    for (size_t i = 0; i < n_; ++i) {
      Token& t = t_[i];
      if (t.used) continue;
      if (t.kind == Kind::kNum) {
        if (num_count == nums.size()) return false;
        const char32_t sep = i > 0 && t_[i - 1].kind == Kind::kPunct ? t_[i - 1].punct : U' ';
        nums[num_count++] = {t.value, t.digits, sep, i};
      } else if (t.kind == Kind::kPunct) {
        const char32_t p = t.punct;
        // A colon may close a label ("发布时间：…"); elsewhere it belongs to a time.
        const bool label = p == ':' && i > 0 && t_[i - 1].kind == Kind::kWord && t_[i - 1].word.ignorable;
        if (p != ',' && p != '.' && p != '-' && p != '/' && p != '\'' && !label) return false;
      } else {
        const WordInfo& w = t.word;
        if (w.month) {
          if (month_word_count == month_words.size()) return false;
          month_words[month_word_count++] = i;
        } else if (w.zone && !w.military && !f_.has_zone) {
          // A zone name away from the time: "Thu, 01 Jan 2004 GMT".
          f_.has_zone = true;
          f_.zone_minutes = w.zone_minutes;
        } else if (w.zone && !w.military) {
          // A second name for a zone already given as an offset.
        } else if (w.weekday || w.ignorable) {
          if (w.korean) korean_ = true;
        } else {
          return false;  // a word this parser cannot explain
        }
      }
    }

    // A word may name both a month and a weekday (Spanish "mar"): with two
    // candidates, the weekday reading wins for the one that allows it.
    int month = 0;
    for (size_t k = 0; k < month_word_count; ++k) {
      const size_t i = month_words[k];
      if (month_word_count > 1 && t_[i].word.weekday) continue;
      if (month) return false;
      month = t_[i].word.month;
    }
    if (month && month_set) return false;
    if (month) {
      f_.month = month;
      month_set = true;
    }

    if (month_set) return AssignYearDay(nums.data(), num_count, year_set, day_set);
    if (year_set || day_set) return false;
    return AssignNumeric(nums.data(), num_count);
  }

  template <typename N>
  bool AssignYearDay(const N* nums, size_t count, bool year_set, bool day_set) {
    auto set_year = [&](const N& n) {
      if (n.digits == 3 || n.digits > 4) return false;
      f_.year = n.digits <= 2 ? ExpandTwoDigitYear(n.value) : n.value;
      return true;
    };
    auto set_day = [&](const N& n) {
      if (n.digits > 2) return false;
      f_.day = static_cast<int>(n.value);
      return true;
    };
    const size_t need = (year_set ? 0 : 1) + (day_set ? 0 : 1);
    if (count == 0) return need == 0;
    if (count == 1) {
      if (need == 2 && nums[0].digits == 4) {
        f_.day = 1;  // "January 2004"
        return set_year(nums[0]);
      }
      if (need != 1) return false;
      return year_set ? set_day(nums[0]) : set_year(nums[0]);
    }
    if (count != 2 || need != 2) return false;
    const N& a = nums[0];
    const N& b = nums[1];
    if (a.digits >= 3 && b.digits <= 2) return set_year(a) && set_day(b);
    if (b.digits >= 3 && a.digits <= 2) return set_year(b) && set_day(a);
    if (a.digits > 2 || b.digits > 2) return false;
    // Two short numbers: the day comes first ("01 Jan 04", "Jan 4 04").
    return set_day(a) && set_year(b);
  }

  template <typename N>
  bool AssignNumeric(const N* nums, size_t count) {
    if (count == 1 && nums[0].digits == 8) {  // YYYYMMDD
      const int64_t v = nums[0].value;
      f_.year = v / 10000;
      f_.month = static_cast<int>(v / 100 % 100);
      f_.day = static_cast<int>(v % 100);
      return true;
    }
    if (count != 3) return false;
    const N& a = nums[0];
    const N& b = nums[1];
    const N& c = nums[2];
    if (b.digits > 2) return false;
    const char32_t sep = b.sep;
    if (sep != c.sep || (sep != '-' && sep != '/' && sep != '.')) return false;
    if (a.digits == 4 && c.digits <= 2) {  // 2006/09/15, 2023.01.04
      f_.year = a.value;
      f_.month = static_cast<int>(b.value);
      f_.day = static_cast<int>(c.value);
      return true;
    }
    if (a.digits > 2 || (c.digits != 4 && c.digits > 2)) return false;
    if (c.digits <= 2 && sep == '-') {  // YY-MM-DD, as in ISO 8601
      f_.year = ExpandTwoDigitYear(a.value);
      f_.month = static_cast<int>(b.value);
      f_.day = static_cast<int>(c.value);
      return true;
    }
    f_.year = c.digits == 4 ? c.value : ExpandTwoDigitYear(c.value);
    // Slashes are mostly American (month first); dots and dashes European.
    // When the first reading cannot be a month, the other one is taken.
    int64_t month = sep == '/' ? a.value : b.value;
    int64_t day = sep == '/' ? b.value : a.value;
    if (month > 12 && day <= 12) std::swap(month, day);
    f_.month = static_cast<int>(month);
    f_.day = static_cast<int>(day);
    return true;
  }

  std::array<Token, kMaxTokens>& t_;
  size_t n_;
  Fields f_;
  bool have_time_ = false;
  bool korean_ = false;
  bool invalid_ = false;
  size_t zone_at_ = 0;
};

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || (s.front() >= '\t' && s.front() <= '\r'))) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || (s.back() >= '\t' && s.back() <= '\r'))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<int64_t> ParseDate(std::string_view text, int default_zone_minutes) {
  text = TrimAscii(text);
  if (text.empty() || text.size() > kMaxChars) return std::nullopt;

  bool all_digits = true;
  for (char c : text) all_digits = all_digits && IsDigit(c);
  if (all_digits && (text.size() == 9 || text.size() == 10 || text.size() == 13)) {
    // Unix time: seconds, or milliseconds when 13 digits long.
    int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    return text.size() == 13 ? v : v * 1000;
  }
  if (all_digits && (text.size() == 12 || text.size() == 14)) {
    // YYYYMMDDhhmm[ss]
    Fields f;
    auto num = [&](size_t at, size_t n) {
      int v = 0;
      for (size_t i = 0; i < n; ++i) v = v * 10 + (text[at + i] - '0');
      return v;
    };
    f.year = num(0, 4);
    f.month = num(4, 2);
    f.day = num(6, 2);
    f.hour = num(8, 2);
    f.minute = num(10, 2);
    if (text.size() == 14) f.second = num(12, 2);
    return Compose(f, default_zone_minutes);
  }

  if (IsDigit(text[0]) || text[0] == '-') {
    Fields f;
    switch (IsoScanner(text).Scan(f)) {
      case IsoResult::kOk: return Compose(f, default_zone_minutes);
      case IsoResult::kInvalid: return std::nullopt;
      case IsoResult::kNoMatch: break;
    }
  }

  std::array<char32_t, kMaxChars> chars;
  const size_t n = DecodeFolded(text, chars.data(), chars.size());
  std::array<Token, kMaxTokens> tokens;
  size_t count = 0;
  if (!Tokenizer().Run(std::u32string_view(chars.data(), n), tokens, count)) return std::nullopt;
  std::optional<Fields> f = Reader(tokens, count).Read();
  if (!f) return std::nullopt;
  return Compose(*f, default_zone_minutes);
}

CivilTime CivilTimeOf(int64_t ms, int offset_minutes) {
  constexpr int64_t kMinMs = kMinSeconds * 1000, kMaxMs = kEndSeconds * 1000 - 1;
  int64_t local = 0;
  if (__builtin_add_overflow(ms, int64_t{offset_minutes} * 60000, &local)) local = ms < 0 ? kMinMs : kMaxMs;
  local = std::clamp(local, kMinMs, kMaxMs);
  // Both ends of the range are whole days past the epoch's sign change, so
  // floor division is plain division on the shifted value.
  int64_t days = local / 86400000, rem = local % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  const Civil c = CivilFromDays(days);
  CivilTime t;
  t.year = static_cast<int>(c.year);
  t.month = c.month;
  t.day = c.day;
  t.hour = static_cast<int>(rem / 3600000);
  t.minute = static_cast<int>(rem / 60000 % 60);
  t.second = static_cast<int>(rem / 1000 % 60);
  t.millisecond = static_cast<int>(rem % 1000);
  t.weekday = WeekdayFromDays(days);
  return t;
}

std::string FormatRfc1123(int64_t ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime t = CivilTimeOf(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[t.weekday], t.day,
                kMonths[t.month - 1], t.year, t.hour, t.minute, t.second);
  return buf;
}

std::string FormatRfc3339(int64_t ms) {
  const CivilTime t = CivilTimeOf(ms);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                        t.second);
  if (t.millisecond) std::snprintf(buf + n, sizeof buf - n, ".%03dZ", t.millisecond);
  else std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}

std::string FormatLocalDate(int64_t ms, int offset_minutes) {
  const CivilTime t = CivilTimeOf(ms, offset_minutes);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
  return buf;
}

}  // namespace nm
