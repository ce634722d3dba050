#include "mail/mail_state.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(MailStateTest, RoundTripsSortedAndNamesNoAddress) {
  MailState s;
  s.start["美国之音"] = 1048575;
  s.start["BBC"] = 1048000;
  std::string alice = RecipientKey("Alice@Example.org"), bob = RecipientKey("bob@example.org");
  EXPECT_EQ(alice, RecipientKey("alice@example.org"));
  EXPECT_EQ(alice.size(), 16u);
  EXPECT_NE(alice, bob);
  s.recipients[alice].last_sent_ms = 1672843145000;
  s.recipients[alice].sent["美国之音"] = 1048570;
  s.recipients[bob].standing = RecipientState::Standing::kFailed;
  s.recipients[bob].failing_since_ms = 1672846745000;
  s.recipients[bob].sent["BBC"] = 1048000;
  std::string text = FormatMailState(s);
  EXPECT_EQ(text.find("example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("start\tBBC\t1048000\nstart\t美国之音\t1048575\n"), std::string::npos) << text;
  EXPECT_NE(text.find("to\t" + alice + "\t2023-01-04T14:39:05Z\tok\t-\n"), std::string::npos) << text;
  EXPECT_NE(text.find("to\t" + bob + "\t-\tfailed\t2023-01-04T15:39:05Z\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sent\t" + alice + "\t美国之音\t1048570\n"), std::string::npos) << text;
  auto back = ParseMailState(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == s);
  EXPECT_EQ(FormatMailState(*back), text);
}

TEST(MailStateTest, ALineItCannotReadIsCorruptionNotAGuess) {
  for (std::string bad : {"sent\tk\to\tnot-a-number\n", "to\tk\tyesterday\tok\t-\n", "to\tk\t-\tmaybe\t-\n",
                          "start\to\n", "what\tis\tthis\n"}) {
    auto parsed = ParseMailState("# header\n" + bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().kind(), Status::Kind::kCorruption);
    EXPECT_NE(parsed.status().message().find("state/mail.txt:2"), std::string::npos) << parsed.status().message();
  }
}

}  // namespace
}  // namespace nm
