#include "feed/entry.h"

#include <string_view>

#include "html/html_cut.h"
#include "util/text.h"

namespace nm {
namespace {

constexpr size_t kFormatName = 64;  // Feed::format and Feed::encoding, which come from the document too
constexpr size_t kLabelTitle = 80;  // bytes of a title that name an entry in a warning

std::string Bytes(size_t n) { return std::to_string(n) + " bytes"; }

// Cuts plain text at a character boundary.
void CutText(std::string& s, size_t cap) { s.resize(Utf8CutPoint(s, cap)); }

// Cuts the fields of one entry (or of the feed) to their caps; each cut is
// a warning that starts with `subject`, which names the entry.
class Capper {
 public:
  Capper(std::vector<std::string>& warnings, std::string subject)
      : warnings_(warnings), subject_(std::move(subject)) {}

  void Warn(const std::string& text) { warnings_.push_back(subject_ + ": " + text); }
  void Text(std::string& s, size_t cap, std::string_view what) {
    if (s.size() <= cap) return;
    Warn(std::string(what) + " cut from " + Bytes(s.size()) + " to " + Bytes(cap));
    CutText(s, cap);
  }
  void Html(std::string& s, size_t cap, std::string_view what) {
    if (s.size() <= cap) return;
    size_t was = s.size();
    s = CutHtml(s, cap);
    Warn(std::string(what) + " (HTML) cut from " + Bytes(was) + " to " + Bytes(s.size()));
  }
  void Url(std::string& s, std::string_view what) {
    if (s.size() <= caps::kUrl) return;
    Warn(std::string(what) + " of " + Bytes(s.size()) + " dropped (over " + Bytes(caps::kUrl) + ")");
    s.clear();
  }
  void Person(std::optional<nm::Person>& p, std::string_view what) {
    if (!p) return;
    Text(p->name, caps::kPersonName, std::string(what) + " name");
    Text(p->email, caps::kPersonName, std::string(what) + " email");
    Url(p->uri, std::string(what) + " URI");
  }
  void Date(std::optional<nm::Date>& d, std::string_view what) {
    if (d) Text(d->text, caps::kDateText, what);
  }

 private:
  std::vector<std::string>& warnings_;
  std::string subject_;
};

// "entry 7 (\"A title\")", or with the link when the entry has no title.
std::string EntryLabel(const Entry& e, size_t index) {
  std::string label = "entry " + std::to_string(index + 1);
  std::string_view name = !e.title.empty() ? std::string_view(e.title) : std::string_view(e.link);
  if (name.empty()) name = e.id;
  if (name.empty()) return label;
  std::string shown(name.substr(0, Utf8CutPoint(name, kLabelTitle)));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return label + " (\"" + shown + (shown.size() < name.size() ? "…" : "") + "\")";
}

void CapEntry(Entry& e, size_t index, std::vector<std::string>& warnings) {
  // The title first: the warnings name the entry by it.
  size_t title_bytes = e.title.size();
  CutText(e.title, caps::kTitle);
  Capper cap(warnings, EntryLabel(e, index));
  if (title_bytes > e.title.size()) cap.Warn("title cut from " + Bytes(title_bytes) + " to " + Bytes(e.title.size()));
  cap.Text(e.id, caps::kId, "id");
  cap.Html(e.title_html, caps::kTitleHtml, "title markup");
  cap.Url(e.link, "link");
  cap.Html(e.summary, caps::kSummary, "summary");
  cap.Html(e.content, caps::kContent, "content");
  cap.Person(e.author, "author");
  cap.Date(e.published, "published date text");
  cap.Date(e.updated, "updated date text");
  cap.Date(e.created, "created date text");
  if (e.categories.size() > caps::kCategories) {
    cap.Warn("kept the first " + std::to_string(caps::kCategories) + " of " + std::to_string(e.categories.size()) +
             " categories");
    e.categories.resize(caps::kCategories);
  }
  for (std::string& c : e.categories) cap.Text(c, caps::kCategory, "category");
  if (e.images.size() > caps::kImages) {
    cap.Warn("kept the first " + std::to_string(caps::kImages) + " image URLs (the feed has more)");
    e.images.resize(caps::kImages);
  }
  size_t kept = 0;
  for (size_t i = 0; i < e.images.size(); ++i) {
    cap.Url(e.images[i], "image URL");
    if (e.images[i].empty()) continue;
    if (kept != i) e.images[kept] = std::move(e.images[i]);
    ++kept;
  }
  e.images.resize(kept);
}

}  // namespace

void CapFeedFields(Feed& feed) {
  std::vector<std::string> warnings;
  if (feed.entries.size() > caps::kEntries) {
    warnings.push_back("kept the first " + std::to_string(caps::kEntries) + " of " +
                       std::to_string(feed.entries.size()) + " entries");
    feed.entries.resize(caps::kEntries);
  }
  CutText(feed.format, kFormatName);
  CutText(feed.encoding, kFormatName);
  Capper cap(warnings, "the feed");
  cap.Text(feed.title, caps::kTitle, "title");
  cap.Html(feed.title_html, caps::kTitleHtml, "title markup");
  cap.Url(feed.link, "link");
  cap.Text(feed.id, caps::kId, "id");
  cap.Person(feed.author, "author");
  cap.Date(feed.published, "published date text");
  cap.Date(feed.updated, "updated date text");
  cap.Date(feed.created, "created date text");
  for (size_t i = 0; i < feed.entries.size(); ++i) CapEntry(feed.entries[i], i, warnings);

  // The warnings of the parse come first, then these; all of them capped.
  feed.warnings.insert(feed.warnings.end(), warnings.begin(), warnings.end());
  for (std::string& w : feed.warnings) CutText(w, caps::kWarning);
  if (feed.warnings.size() > caps::kWarnings) {
    size_t more = feed.warnings.size() - (caps::kWarnings - 1);
    feed.warnings.resize(caps::kWarnings - 1);
    feed.warnings.push_back("… and " + std::to_string(more) + " more warnings");
  }
}

}  // namespace nm
