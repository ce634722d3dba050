#include "dates/date_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

namespace nm {
namespace {

constexpr int kBeijing = 8 * 60;

struct Row {
  const char* input;
  std::optional<int64_t> want;  // ms since the epoch, nullopt = not a date
  int zone = 0;                 // default zone passed to ParseDate
};

// 2004-01-01T19:48:21Z and 2023-01-04T14:06:46Z recur below.
constexpr int64_t k2004 = 1072986501000;
constexpr int64_t k2023 = 1672841206000;
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kMinute = 60 * 1000;

const Row kRows[] = {
    // RFC 822 / 1123 / 2822 and their broken variants.
    {"Thu, 01 Jan 2004 19:48:21 GMT", k2004},
    {"Thu, 01 Jan 2004 19:48:21 +0000", k2004},
    {"Thu, 01 Jan 2004 19:48:21 -0000", k2004},
    {"Thu, 01 Jan 2004 19:48:21 UT", k2004},
    {"Thu, 01 Jan 2004 19:48:21 UTC", k2004},
    {"Thu, 01 Jan 2004 19:48:21 Z", k2004},
    {"01 Jan 2004 19:48:21 GMT", k2004},
    {"Mon, 01 Jan 2004 19:48:21 GMT", k2004},  // wrong weekday is ignored
    {"Thu, 01 Jan 04 19:48:21 GMT", k2004},
    {"Fri, 01 Jan 99 00:00:00 GMT", 915148800000},  // 99 is 1999
    {"Thu, 1 Jan 2004 19:48:21 GMT", k2004},
    {"Thu,01 Jan 2004 19:48:21 GMT", k2004},
    {"  Thu,   01  Jan   2004  19:48:21   GMT  ", k2004},
    {"Thu, 01 Jan. 2004 19:48:21 GMT", k2004},
    {"Thu, 01 January 2004 19:48:21 GMT", k2004},
    {"Thu, 01-Jan-2004 19:48:21 GMT", k2004},
    {"Thursday, 01 Jan 2004 19:48:21 GMT", k2004},
    {"Thu, Jan 01 2004 19:48:21 GMT", k2004},
    {"Thu, 01 Jan 2004, 19:48:21 GMT", k2004},
    {"Thu, 01 JAN 2004 19:48:21 gmt", k2004},
    {"Thu, 01 Jan 2004 19:48 GMT", k2004 - 21000},
    {"Thu, 01 Jan 2004", k2004 - (19 * kHour + 48 * kMinute + 21000)},
    {"Thu, 01 Jan 2004 19:48:21", k2004},
    {"Thu, 01 Jan 2004 19:48:21", k2004 - 8 * kHour, kBeijing},
    {"Thu, 01 Jan 2004 19:48:21 +08:00", k2004 - 8 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 +0800 (CST)", k2004 - 8 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 GMT+8", k2004 - 8 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 UTC+05:30", k2004 - 330 * kMinute},
    {"Thu, 01 Jan 2004 19:48:21 +530", k2004 - 330 * kMinute},
    {"Thu, 01 Jan 2004 19:48:21 Etc/GMT+5", k2004 + 5 * kHour},
    {"Thu, 01 Jan 2004 07:48:21 PM GMT", k2004},
    {"Thu, 01 Jan 2004 7:48:21 p.m. GMT", k2004},
    {"Thu, 01 Jan 2004 12:48:21 AM GMT", k2004 - 19 * kHour},
    {"Thu, 01 Jan 2004 19:48:21.250 GMT", k2004},
    {"Thu, 01 Jan 2004 19:48:21 EST", k2004 + 5 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 EDT", k2004 + 4 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 CST", k2004 + 6 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 CDT", k2004 + 5 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 MST", k2004 + 7 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 MDT", k2004 + 6 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 PST", k2004 + 8 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 PDT", k2004 + 7 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 CET", k2004 - 1 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 CEST", k2004 - 2 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 BST", k2004 - 1 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 JST", k2004 - 9 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 HKT", k2004 - 8 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 A", k2004 + 1 * kHour},   // RFC 822 signs
    {"Thu, 01 Jan 2004 19:48:21 N", k2004 - 1 * kHour},
    {"Thu, 01 Jan 2004 19:48:21 Y", k2004 - 12 * kHour},
    {"Thu, 01 Jan 2004 GMT", k2004 - (19 * kHour + 48 * kMinute + 21000)},
    {"Sun, 16 Dec 2012 11:47:32 +00:zz", std::nullopt},
    {"Sun, 16 Dec 2012 11:47:32 XYZ", std::nullopt},
    {"Sun, Dec x 2012 11:47:32 GMT", std::nullopt},
    {"Thu, 30 Feb 2004 19:48:21 GMT", std::nullopt},
    {"Thu, 01 Jan 2004 25:48:21 GMT", std::nullopt},
    {"Thu, 01 Jan 2004 19:48:21 +2500", std::nullopt},
    {"Thu, 01 Jan 2004 19:48 19:48 GMT", std::nullopt},
    {"Thu, 31 Dec 1998 23:59:60 GMT", 915148799000},  // leap second
    {"yesterday", std::nullopt},
    {"Published: soon", std::nullopt},
    {"Jan 4", std::nullopt},

    // asctime and JavaScript's Date.toString.
    {"Thu Jan  1 19:48:21 2004", k2004},
    {"Thu Jan 01 2004 19:48:21 GMT+0000 (Coordinated Universal Time)", k2004},

    // ISO 8601 / RFC 3339 / W3C-DTF.
    {"2004-01-01T19:48:21Z", k2004},
    {"2004-01-01t19:48:21z", k2004},
    {"2004-01-01 19:48:21Z", k2004},
    {"2004-01-01T19:48:21", k2004},
    {"2004-01-01T19:48:21", k2004 - 8 * kHour, kBeijing},
    {"2004-01-02T03:48:21+08:00", k2004},
    {"2004-01-02T03:48:21+0800", k2004},
    {"2004-01-02T03:48:21+08", k2004},
    {"2004-01-01T19:48:21.123456Z", k2004},
    {"2004-01-01T19:48:21,5Z", k2004},
    {"2004-01-01T19:48Z", k2004 - 21000},
    {"2004-01-01T19Z", k2004 - (48 * kMinute + 21000)},
    {"20040101T194821Z", k2004},
    {"20040101", 1072915200000},
    {"2004-001", 1072915200000},
    {"2004001", 1072915200000},
    {"2004-366", 1104451200000},  // 2004 is a leap year
    {"2003-366", std::nullopt},
    {"2004-W01-1", 1072656000000},  // Monday 2003-12-29
    {"2004W011", 1072656000000},
    {"2004-W01", 1072656000000},
    {"2009-W53-7", 1262476800000},  // Sunday 2010-01-03
    {"2010-W53-1", std::nullopt},   // 2010 has 52 weeks
    {"2004-01", 1072915200000},
    {"2004", 1072915200000},
    {"2004-12-31T24:00:00Z", 1104537600000},
    {"2004-02-29", 1078012800000},
    {"2003-02-29", std::nullopt},
    {"2004-13-01", std::nullopt},
    {"2004-01-01T19:48:61Z", std::nullopt},
    {"2013-01-28T09:xx:00Z", std::nullopt},
    {"2013-01-xx", std::nullopt},
    {"9999-12-31T23:59:59-99:99", std::nullopt},
    {"2004-07-08 23:56:58 -00:20", 1089332218000},
    {"2004-01-01 19:48:21 GMT", k2004},
    {"2004-01-02 03:48:21 +0800", k2004},
    {"2004/01/01 19:48:21", k2004},
    {"Fri, 2006/09/15 08:19:53 EDT", 1158322793000},
    {"01/04/2023 14:06:46", k2023},   // month first with slashes
    {"04.01.2023 14:06:46", k2023},   // day first with dots
    {"25/12/2023", 1703462400000},    // the day cannot be a month
    {"20230104140646", k2023},
    {"1672841206", k2023},
    {"1672841206123", k2023 + 123},

    // Chinese, Japanese and Korean.
    {"2023年1月4日 14:06:46", k2023},
    {"2023年1月4日 14:06:46", k2023 - 8 * kHour, kBeijing},
    {"2023年01月04日 星期三 14:06:46", k2023},
    {"2023年1月4日周三 下午2:06:46", k2023},
    {"2023年1月4日（三）14时06分46秒", k2023},
    {"2023年1月4日 下午2点06分46秒", k2023},
    {"2023 年 1 月 4 日 14:06:46 北京时间", k2023 - 8 * kHour},
    {"２０２３年１月４日　１４：０６：４６", k2023},
    {"2023年1月4日(水) 14時06分46秒", k2023},
    {"2023年1月4日", k2023 - (14 * kHour + 6 * kMinute + 46000)},
    {"发布时间：2023年1月4日 14:06:46", k2023},
    {"2023年1月4日 14:06:46 发表", std::nullopt},  // an unknown word
    {"2004-05-25 오후 11:23:17", 1085494997000},  // KST implied
    {"2004년 05월 28일  01:31:15", 1085675475000},
    {"2004년 5월 28일 수요일 오전 1:31:15", 1085675475000},

    // European languages.
    {"Do, 01. Januar 2004 19:48:21 +0000", k2004},
    {"Donnerstag, 1. Jänner 2004 um 19:48 Uhr", k2004 - 21000},
    {"jeu., 01 janv. 2004 19:48:21 +0000", k2004},
    {"le 1 janvier 2004 à 19h48", k2004 - 21000},
    {"1 de enero de 2004 19:48:21", k2004},
    {"mar, 04 ene 2023 14:06:46 +0000", k2023},  // Spanish "mar" is Tuesday here
    {"Thu, 04 Mar 2004 19:48:21 GMT", 1078429701000},
    {"giovedì 1 gennaio 2004 19:48:21", k2004},
    {"quinta-feira, 1 de janeiro de 2004 19:48:21", k2004},
    {"donderdag 1 januari 2004 19:48:21", k2004},
    {"1 января 2004 г. в 19:48:21", k2004},
    {"Чт, 01 янв 2004 19:48:21 +0000", k2004},
    {"Κυρ, 11 Ιούλ 2004 12:00:00 EST", 1089565200000},
    {"2004-július-13T9:15-05:00", 1089728100000},
    {"2023. január 4. 14:06:46", k2023},
    {"4 Ocak 2023 14:06:46", k2023},
    {"4 stycznia 2023 14:06:46", k2023},
    {"janvier 2004", 1072915200000},
    {"Ju 1 2004", std::nullopt},  // "ju" names no month

    // Not dates.
    {"", std::nullopt},
    {"   ", std::nullopt},
    {"2004-01-01T19:48:21Zjunk", std::nullopt},
    {"12345678901234567890123", std::nullopt},
};

std::string Show(std::optional<int64_t> v) {
  return v ? std::to_string(*v) + " (" + FormatRfc1123(*v) + ")" : "nullopt";
}

TEST(DateParserTest, FormsTable) {
  for (const Row& row : kRows) {
    EXPECT_EQ(Show(ParseDate(row.input, row.zone)), Show(row.want))
        << "input: \"" << row.input << "\" zone " << row.zone;
  }
}

TEST(DateParserTest, FormatsRfc1123) {
  EXPECT_EQ(FormatRfc1123(k2023), "Wed, 04 Jan 2023 14:06:46 GMT");
  EXPECT_EQ(FormatRfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatRfc1123(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(FormatRfc1123(951782400000), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(DateParserTest, CalendarTimesAreClampedToFourDigitYears) {
  CivilTime t = CivilTimeOf(k2023, 8 * 60);
  EXPECT_EQ(t.year, 2023);
  EXPECT_EQ(t.hour, 22);
  EXPECT_EQ(t.weekday, 3);
  t = CivilTimeOf(-1);
  EXPECT_EQ(t.year, 1969);
  EXPECT_EQ(t.millisecond, 999);
  for (int64_t ms : {std::numeric_limits<int64_t>::max(), int64_t{99999999999999999}, int64_t{253402300800000}}) {
    EXPECT_EQ(FormatRfc3339(ms), "9999-12-31T23:59:59.999Z") << ms;
    EXPECT_EQ(FormatRfc1123(ms), "Fri, 31 Dec 9999 23:59:59 GMT") << ms;
    EXPECT_EQ(FormatLocalDate(ms, 8 * 60), "9999-12-31") << ms;
  }
  for (int64_t ms : {std::numeric_limits<int64_t>::min(), int64_t{-99999999999999999}}) {
    EXPECT_EQ(FormatRfc3339(ms), "0001-01-01T00:00:00Z") << ms;
    EXPECT_EQ(FormatRfc1123(ms), "Mon, 01 Jan 0001 00:00:00 GMT") << ms;
    EXPECT_EQ(FormatLocalDate(ms, -14 * 60), "0001-01-01") << ms;
  }
  EXPECT_EQ(FormatRfc3339(k2023), "2023-01-04T14:06:46Z");
  EXPECT_EQ(FormatRfc3339(k2023 + 7), "2023-01-04T14:06:46.007Z");
  EXPECT_EQ(FormatLocalDate(k2023, 10 * 60), "2023-01-05");
}

TEST(DateParserTest, FormatThenParseRoundTrips) {
  // One instant a little over every 37 days for 130 years, all weekdays and months.
  for (int64_t s = -1000000000; s < 3100000000; s += 3200017) {
    const int64_t ms = s * 1000;
    EXPECT_EQ(ParseDate(FormatRfc1123(ms)), ms) << FormatRfc1123(ms);
  }
}

TEST(DateParserTest, DefaultZoneAppliesOnlyWithoutZone) {
  EXPECT_EQ(ParseDate("2004-01-01T19:48:21Z", kBeijing), k2004);
  EXPECT_EQ(ParseDate("2004-01-01T19:48:21", -300), k2004 + 5 * kHour);
}

TEST(DateParserTest, MeetsFeedparserCorpus) {
  std::ifstream in(NEWSMIRROR_SHARED_DIR "/corpora/feedparser/dates.json");
  ASSERT_TRUE(in) << "corpus missing: " NEWSMIRROR_SHARED_DIR "/corpora/feedparser/dates.json";
  nlohmann::json dates = nlohmann::json::parse(in);
  if (dates.is_object()) dates = dates["dates"];
  ASSERT_GT(dates.size(), 0u);
  size_t ok = 0;
  std::ostringstream misses;
  for (const auto& d : dates) {
    const std::string input = d["input"].get<std::string>();
    std::optional<int64_t> want;
    if (!d["expect_ms"].is_null()) want = d["expect_ms"].get<int64_t>();
    const std::optional<int64_t> got = ParseDate(input);
    if (got == want) {
      ++ok;
    } else {
      misses << "  \"" << input << "\": got " << Show(got) << ", want " << Show(want) << "\n";
    }
  }
  const double percent = 100.0 * ok / dates.size();
  std::cout << "feedparser dates: " << ok << "/" << dates.size() << " (" << percent << "%)\n"
            << misses.str();
  EXPECT_GE(percent, 95.0) << "misses:\n" << misses.str();
}

}  // namespace
}  // namespace nm
