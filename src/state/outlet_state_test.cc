#include "state/outlet_state.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(OutletStateTest, RoundTripsWithEscapes) {
  OutletState s;
  s.validators = {"https://example.com/feed", "\"abc\"", "Wed, 04 Jan 2023 14:39:05 GMT"};
  s.records.push_back({1048574, 1672843145000, "aaaa", "1048574_a.md", "guid\twith tab", "https://x/a", "title\\n"});
  s.records.push_back({1048573, 1672843146000, "bbbb", "1048573.md", "", "https://x/b", "line\nbreak"});
  std::string text = SerializeOutletState(s);
  auto back = ParseOutletState(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->validators.etag, "\"abc\"");
  EXPECT_EQ(back->validators.last_modified, s.validators.last_modified);
  ASSERT_EQ(back->records.size(), 2u);
  EXPECT_EQ(back->records[0].guid, "guid\twith tab");
  EXPECT_EQ(back->records[0].title, "title\\n");
  EXPECT_EQ(back->records[1].title, "line\nbreak");
  EXPECT_EQ(back->records[1].guid, "");
  EXPECT_EQ(SerializeOutletState(*back), text);
}

TEST(OutletStateTest, OneRecordPerLineNewestAppended) {
  OutletState s;
  s.records.push_back({1048574, 1, "a", "f1", "g1", "l1", "t1"});
  std::string before = SerializeOutletState(s);
  s.records.push_back({1048573, 2, "b", "f2", "g2", "l2", "t2"});
  std::string after = SerializeOutletState(s);
  // Adding an article only appends a line: diffs stay small.
  ASSERT_EQ(after.substr(0, before.size()), before);
  EXPECT_EQ(std::count(after.begin() + static_cast<long>(before.size()), after.end(), '\n'), 1);
}

TEST(OutletStateTest, DamagedRecordIsCorruptionWithLine) {
  auto r = ParseOutletState("# header\nnot-a-number\t1\ta\tb\tc\td\te\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kCorruption);
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
}

TEST(OutletStateTest, UnsortedRecordsAreSorted) {
  auto r = ParseOutletState("1\t0\ta\tf\tg\tl\tt\n3\t0\ta\tf\tg\tl\tt\n2\t0\ta\tf\tg\tl\tt\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 3u);
  EXPECT_EQ(r->records[0].id, 3);
  EXPECT_EQ(r->records[2].id, 1);
}

}  // namespace
}  // namespace nm
