#include "archive/list_page.h"

#include <cstdio>

#include "archive/markdown.h"
#include "dates/date_parser.h"
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

// Both through CivilTimeOf: any int64 (an archive's files are read as they
// are) gives a month of 1–12 and a four-digit year.
std::string MonthDay(int64_t ms, int utc_offset_minutes) {
  CivilTime t = CivilTimeOf(ms, utc_offset_minutes);
  return std::to_string(t.month) + "-" + std::to_string(t.day);
}

std::string YearMonth(int64_t ms, int utc_offset_minutes) {
  CivilTime t = CivilTimeOf(ms, utc_offset_minutes);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", t.year, t.month);
  return buf;
}

namespace {

// "[{text}]({destination})", both escaped (archive/markdown.h).
std::string Link(std::string_view text, std::string_view destination) {
  return "[" + MarkdownLinkText(text) + "](" + MarkdownDestination(destination) + ")";
}

void AppendItems(std::string& out, std::string_view outlet, const std::vector<ListItem>& items,
                 int utc_offset_minutes) {
  std::string folder = "articles/" + MarkdownPathSegment(outlet) + "/";
  for (const ListItem& item : items) {
    out += MonthDay(item.published_ms, utc_offset_minutes);
    out += ' ';
    out += Link(item.title, (item.base.empty() ? "/" : item.base) + folder + EncodeUriComponent(item.file_name));
    out += "\n\n";
  }
}

}  // namespace

std::string FormatListPage(std::string_view outlet, const std::vector<ListItem>& items,
                           int utc_offset_minutes, const std::vector<std::string>& months,
                           std::string_view footer) {
  std::string segment = MarkdownPathSegment(outlet);
  std::string out;
  out.reserve(64 + items.size() * 160 + months.size() * 48);
  out.append(MarkdownHeadingText(outlet)).append("\n------\n\n");
  AppendItems(out, outlet, items, utc_offset_minutes);
  if (!months.empty()) {
    out += "按月：";
    for (size_t i = 0; i < months.size(); ++i) {
      if (i) out += " · ";
      out += Link(months[i], "/lists/" + segment + "/" + months[i] + ".md");
    }
    out += "\n\n";
  }
  out += Link("查看更多", "/articles/" + segment) + "\n";
  out += footer;
  return out;
}

bool ListPageHasFooter(std::string_view page, std::string_view outlet, std::string_view footer) {
  std::string tail = "\n" + Link("查看更多", "/articles/" + MarkdownPathSegment(outlet)) + "\n" + std::string(footer);
  return page.size() >= tail.size() && page.substr(page.size() - tail.size()) == tail;
}

std::string FormatMonthPage(std::string_view outlet, std::string_view month,
                            const std::vector<ListItem>& items, int utc_offset_minutes,
                            std::string_view footer) {
  std::string out;
  out.reserve(64 + items.size() * 160);
  out.append(MarkdownHeadingText(std::string(outlet) + " " + std::string(month))).append("\n------\n\n");
  AppendItems(out, outlet, items, utc_offset_minutes);
  out += Link(outlet, "/lists/" + MarkdownPathSegment(outlet) + ".md") + "\n";
  out += footer;
  return out;
}

std::string FormatReadme(const std::vector<std::string>& outlets, std::string_view footer) {
  std::string out = "# newsmirror\n\n";
  for (const std::string& outlet : outlets) {
    out += Link(outlet, "/lists/" + MarkdownPathSegment(outlet) + ".md") + "\n\n";
  }
  // The README's links end with a blank line; the footer's own starts it.
  if (!footer.empty()) out.pop_back();
  out += footer;
  return out;
}

}  // namespace nm
