#include "archive/list_page.h"

#include <chrono>
#include <cstdio>

#include "url/url.h"

namespace nm {

std::string MarkdownPathSegment(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool encode = c <= 0x20 || c == 0x7F || c == '(' || c == ')' || c == '[' || c == ']' ||
                  c == '<' || c == '>' || c == '%' || c == '#' || c == '?' || c == '/' || c == '\\';
    if (encode) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string MonthDay(int64_t ms, int utc_offset_minutes) {
  using namespace std::chrono;
  auto t = sys_time<milliseconds>(milliseconds(ms)) + minutes(utc_offset_minutes);
  year_month_day ymd{floor<days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u-%u", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FormatListPage(std::string_view outlet, const std::vector<ListItem>& items,
                           int utc_offset_minutes) {
  std::string folder = "/articles/" + MarkdownPathSegment(outlet);
  std::string out;
  out.reserve(64 + items.size() * 160);
  out.append(outlet).append("\n------\n\n");
  for (const ListItem& item : items) {
    out += MonthDay(item.published_ms, utc_offset_minutes);
    out += " [";
    out += item.title;
    out += "](";
    out += folder;
    out += '/';
    out += EncodeUriComponent(item.file_name);
    out += ")\n\n";
  }
  out += "[查看更多](" + folder + ")\n";
  return out;
}

std::string FormatReadme(const std::vector<std::string>& outlets) {
  std::string out = "# newsmirror\n\n";
  for (const std::string& outlet : outlets) {
    out += "[" + outlet + "](/lists/" + MarkdownPathSegment(outlet) + ".md)\n\n";
  }
  return out;
}

}  // namespace nm
