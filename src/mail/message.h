// E-mail messages as newsmirror sends them (RFC 5322 with MIME, RFC 2045-2047).
//
// A message is built from typed fields, never from text pasted into a
// header: addresses are checked when parsed (ParseMailAddress: an ASCII
// local@domain of dot-atoms, nothing else), and every other header value —
// the subject, display names, an attachment's file name — is written as RFC
// 2047 encoded-words (base64 of its UTF-8) or RFC 2231 parameters whenever it
// is not plain ASCII words, after control characters are turned into spaces.
// So no title, name or file name can put a CR or LF into a header: a header
// line break is only ever the folding FormatMessage writes itself.
//
// The bodies are a multipart/alternative of text/plain and text/html (UTF-8,
// base64); with attachments, that part and each attachment (base64) go into a
// multipart/mixed. Boundaries start with "=_", which base64 never writes, so
// no content can end a part. Lines end with CRLF and are at most 78
// characters long.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

struct MailAddress {
  std::string name;     // display name, any UTF-8 ("" = none)
  std::string address;  // local@domain, ASCII
};

// "Name <local@domain>", "<local@domain>" or "local@domain". InvalidArgument
// (naming the text) for anything else, a non-ASCII or quoted address, or a
// control character anywhere.
Result<MailAddress> ParseMailAddress(std::string_view text);

// "r***@example.org": an address as logs and reports show it.
std::string MaskedAddress(std::string_view address);

struct MailAttachment {
  std::string file_name;     // any UTF-8; its last path segment is used
  std::string content_type;  // e.g. "application/epub+zip"
  std::string bytes;
};

struct MailMessage {
  MailAddress from;
  MailAddress to;
  std::string subject;
  int64_t date_ms = 0;
  std::string message_id;    // without angle brackets: "{unique}@{domain}"
  std::string text;          // text/plain body, UTF-8
  std::string html;          // text/html body, UTF-8
  std::vector<MailAttachment> attachments;
};

// The whole message, ready for SMTP's DATA.
std::string FormatMessage(const MailMessage& message);

// `text` as the value of an unstructured header that starts `used`
// characters into its line ("Subject: " is 9): as it is when it is plain
// printable ASCII that fits, else encoded-words folded onto lines of at most
// 78 characters. Never holds CR or LF other than the folding "\r\n ".
std::string EncodeHeaderText(std::string_view text, size_t used);

// The content type of a file by its name's extension (epub, html, pdf, txt,
// zip; application/octet-stream for others).
std::string ContentTypeOfFile(std::string_view file_name);

}  // namespace nm
