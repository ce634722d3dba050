// The text of an e-mail digest: new articles of the mirror, as plain text and
// as HTML, with the list of the mirror's copies.
//
// Each article shows its outlet, title, date (in the list zone), its first
// paragraphs (the readable text, cut at `excerpt_chars` characters) and links:
// to its copy on every configured mirror that links articles
// (MirrorCopy::article) and to the original. Articles are grouped by outlet,
// newest first. Every text is escaped in the HTML, and article HTML never
// reaches the digest: only its text does.
//
// The size cap: the text and HTML bodies together stay within `max_bytes`
// (before transfer encoding; an attachment comes on top). Titles are cut at
// 200 characters. Articles are offered oldest first; the first that no longer
// fits, and every one after it, is left for the next digest (the digest says
// how many are waiting). The first article always goes in, so a digest always
// makes progress.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive/mirror_copies.h"

namespace nm {

struct DigestArticle {
  std::string outlet;
  int64_t id = 0;
  std::string file;          // its file name in articles/{outlet}/
  int64_t published_ms = 0;
  std::string title;
  std::string link;          // the original
  std::string content_html;  // the archived content (only its text is used)
};

struct DigestOptions {
  std::string title = "newsmirror";   // the mirror's name, first in the subject
  int utc_offset_minutes = 8 * 60;
  size_t max_bytes = 100 * 1024;
  size_t excerpt_chars = 300;
  std::vector<MirrorCopy> copies;
  std::string attachment_note;        // names the attachment ("" = none)
};

struct Digest {
  std::string subject;
  std::string text;
  std::string html;
};

class DigestBuilder {
 public:
  DigestBuilder(DigestOptions options, int64_t now_ms);

  // Adds `article` when it fits; false (and nothing added) when it does not.
  bool Add(const DigestArticle& article);
  size_t size() const { return articles_.size(); }

  // `waiting`: the articles left for the next digest.
  Digest Finish(size_t waiting) const;

 private:
  struct Piece {
    std::string outlet;
    int64_t published_ms;
    int64_t id;
    std::string title;
    std::string text;
    std::string html;
  };
  DigestOptions options_;
  int64_t now_ms_;
  size_t fixed_bytes_ = 0;
  size_t used_bytes_ = 0;
  std::vector<std::string> outlets_;   // in the order they came
  std::vector<Piece> articles_;
};

// The first paragraphs of `html`'s readable text, one a line, at most
// `max_chars` characters not counting the line breaks ("…" where it was cut).
std::string Excerpt(std::string_view html, size_t max_chars);

}  // namespace nm
