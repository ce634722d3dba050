#include "publish/push_record.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

constexpr int64_t kT0 = 1672843145000;  // 2023-01-04T14:39:05Z
constexpr int64_t kHour = 3600 * 1000;

TEST(PushRecordTest, MovesOnlyWithNewCommitsFailuresAndRecoveries) {
  std::vector<std::string> remotes = {"b", "a", "dead"};
  std::vector<PushOutcome> first = {{"b", Status::Ok()}, {"a", Status::Ok()},
                                    {"dead", Status::NetworkError("cannot connect\tto\nhost")}};
  auto r1 = UpdatePushRecords({}, first, remotes, "c1", kT0);
  ASSERT_EQ(r1.size(), 3u);
  EXPECT_EQ(r1[0].remote, "a");
  EXPECT_EQ(r1[0].last_ok_ms, kT0);
  EXPECT_EQ(r1[0].commit, "c1");
  EXPECT_EQ(r1[1].remote, "b");
  EXPECT_EQ(r1[2].remote, "dead");
  EXPECT_EQ(r1[2].last_ok_ms, 0);
  EXPECT_EQ(r1[2].failing_since_ms, kT0);

  // The same commit again (a run without news): nothing changes, and the
  // failing remote keeps the time it started failing and its first error.
  std::vector<PushOutcome> again = {{"a", Status::Ok()}, {"b", Status::Ok()}, {"dead", Status::NetworkError("other")}};
  auto r2 = UpdatePushRecords(r1, again, remotes, "c1", kT0 + kHour);
  EXPECT_EQ(FormatPushRecords(r2), FormatPushRecords(r1));

  // A new commit moves the healthy remotes; the dead one recovers later.
  auto r3 = UpdatePushRecords(r2, again, remotes, "c2", kT0 + 2 * kHour);
  EXPECT_EQ(r3[0].last_ok_ms, kT0 + 2 * kHour);
  EXPECT_EQ(r3[0].commit, "c2");
  EXPECT_EQ(r3[2].failing_since_ms, kT0);
  auto r4 = UpdatePushRecords(r3, {{"dead", Status::Ok()}}, remotes, "c2", kT0 + 3 * kHour);
  EXPECT_EQ(r4[2].failing_since_ms, 0);
  EXPECT_EQ(r4[2].last_ok_ms, kT0 + 3 * kHour);
  EXPECT_EQ(r4[2].commit, "c2");
  EXPECT_EQ(r4[0].last_ok_ms, kT0 + 2 * kHour) << "a remote not pushed this time keeps its line";

  // A remote no longer configured is dropped.
  auto r5 = UpdatePushRecords(r4, {}, {"a"}, "c2", kT0 + 4 * kHour);
  ASSERT_EQ(r5.size(), 1u);
  EXPECT_EQ(r5[0].remote, "a");
}

TEST(PushRecordTest, TextRoundTripsAndStalenessFollowsTheFailure) {
  auto records = UpdatePushRecords({}, {{"a", Status::Ok()}, {"dead", Status::NetworkError("refused:\tno\r\nway")}},
                                   {"a", "dead"}, "0123abcd", kT0);
  std::string text = FormatPushRecords(records);
  EXPECT_NE(text.find("\na\t2023-01-04T14:39:05Z\t0123abcd\t-\t-\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\ndead\t-\t-\t2023-01-04T14:39:05Z\trefused: no  way\n"), std::string::npos) << text;
  auto back = ParsePushRecords(text);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(FormatPushRecords(back), text);
  EXPECT_FALSE(PushRecordStale(back[0], kT0 + 100 * kHour, 24));
  EXPECT_FALSE(PushRecordStale(back[1], kT0 + 23 * kHour, 24));
  EXPECT_TRUE(PushRecordStale(back[1], kT0 + 24 * kHour, 24));
  // The clock's milliseconds are not kept: what is read back is what was recorded.
  auto precise = UpdatePushRecords({}, {{"a", Status::Ok()}}, {"a"}, "c", kT0 + 287);
  EXPECT_EQ(precise[0].last_ok_ms, kT0);
  EXPECT_EQ(FormatPushRecords(ParsePushRecords(FormatPushRecords(precise))), FormatPushRecords(precise));
}

}  // namespace
}  // namespace nm
