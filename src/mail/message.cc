#include "mail/message.h"

#include "dates/date_parser.h"
#include "util/hash.h"
#include "util/text.h"

namespace nm {

namespace {

constexpr size_t kLineLimit = 78;
constexpr std::string_view kAtextSpecials = "!#$%&'*+-/=?^_`{|}~";

bool IsAtext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kAtextSpecials.find(c) != std::string_view::npos;
}

// A dot-atom: atext runs separated by single dots.
bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) return false;
  for (char c : s) {
    if (c != '.' && !IsAtext(c)) return false;
  }
  return true;
}

bool IsDomain(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) {
    return false;
  }
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || ++label > 63) return false;
  }
  return true;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029; }

// `text` with every control character (CR and LF among them) a space and
// every byte that is not UTF-8 a '?': what a header may carry.
std::string HeaderSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(text, i, &len);
    if (IsControl(cp)) out += ' ';
    else if (len == 1 && cp >= 0x80) out += '?';
    else out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

void AppendBase64(std::string& out, std::string_view data, size_t* line_length, bool wrap) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto put = [&](char c) {
    if (wrap && *line_length == 76) {
      out += "\r\n";
      *line_length = 0;
    }
    out += c;
    ++*line_length;
  };
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(data[i])) << 16) | (uint32_t(uint8_t(data[i + 1])) << 8) | uint8_t(data[i + 2]);
    put(kChars[v >> 18]);
    put(kChars[(v >> 12) & 63]);
    put(kChars[(v >> 6) & 63]);
    put(kChars[v & 63]);
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t v = uint32_t(uint8_t(data[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(data[i + 1])) << 8;
    put(kChars[v >> 18]);
    put(kChars[(v >> 12) & 63]);
    put(rest == 2 ? kChars[(v >> 6) & 63] : '=');
    put('=');
  }
}

std::string Base64Word(std::string_view data) {
  std::string out;
  size_t n = 0;
  AppendBase64(out, data, &n, false);
  return out;
}

// The body as base64 lines of 76 characters, each ending in CRLF.
std::string Base64Body(std::string_view data) {
  std::string out;
  size_t n = 0;
  AppendBase64(out, data, &n, true);
  return out + "\r\n";
}

// The longest prefix of `s` of at most `max_bytes` that ends at a code point
// boundary (at least one code point).
size_t CutAt(std::string_view s, size_t max_bytes) {
  size_t end = 0;
  while (end < s.size()) {
    size_t len;
    DecodeUtf8At(s, end, &len);
    if (end + len > max_bytes && end > 0) break;
    end += len;
  }
  return end;
}

// RFC 2047 "=?UTF-8?B?…?=" words, each line at most kLineLimit long.
std::string EncodedWords(std::string_view text, size_t used) {
  constexpr size_t kWordOverhead = 12;  // =?UTF-8?B? and ?=
  std::string out;
  size_t line = used;
  while (!text.empty()) {
    if (line + kWordOverhead + 8 > kLineLimit) {
      out += "\r\n ";
      line = 1;
    } else if (!out.empty()) {
      out += "\r\n ";
      line = 1;
    }
    size_t room = (kLineLimit - line - kWordOverhead) / 4 * 3;
    size_t n = CutAt(text, room);
    std::string word = "=?UTF-8?B?" + Base64Word(text.substr(0, n)) + "?=";
    out += word;
    line += word.size();
    text.remove_prefix(n);
  }
  return out;
}

bool PlainAsciiPhrase(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && !IsAtext(c)) return false;
  }
  return !s.empty() && s.front() != ' ' && s.back() != ' ';
}

// "Name <local@domain>" for a header that starts `used` characters in.
std::string FormatMailbox(const MailAddress& a, size_t used) {
  std::string name = HeaderSafe(a.name);
  name = Trim(name);
  if (name.empty()) return a.address;
  std::string phrase = PlainAsciiPhrase(name) && used + name.size() < kLineLimit - 2 ? name : EncodedWords(name, used);
  size_t last_line = phrase.rfind('\n') == std::string::npos ? used + phrase.size() : phrase.size() - phrase.rfind('\n');
  std::string addr = "<" + a.address + ">";
  if (last_line + 1 + addr.size() > kLineLimit) return phrase + "\r\n " + addr;
  return phrase + " " + addr;
}

std::string Rfc5322Date(int64_t ms) {
  std::string d = FormatRfc1123(ms);  // "Wed, 04 Jan 2023 14:06:46 GMT"
  if (d.size() > 4 && d.compare(d.size() - 4, 4, " GMT") == 0) d.replace(d.size() - 3, 3, "+0000");
  return d;
}

// A MIME parameter: name="value" for plain file names, else RFC 2231's
// name*=UTF-8''… in continuations of at most ~60 characters.
std::string FileParameter(std::string_view param, std::string_view file) {
  bool plain = !file.empty() && file.size() <= 60;
  for (char c : file) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_';
    if (!ok) plain = false;
  }
  if (plain) return std::string(param) + "=\"" + std::string(file) + "\"";
  static const char kHex[] = "0123456789ABCDEF";
  std::vector<std::string> pieces(1, "UTF-8''");
  for (unsigned char c : file) {
    std::string enc;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_';
    if (ok) enc = std::string(1, static_cast<char>(c));
    else enc = {'%', kHex[c >> 4], kHex[c & 15]};
    if (pieces.back().size() + enc.size() > 60) pieces.emplace_back();
    pieces.back() += enc;
  }
  if (pieces.size() == 1) return std::string(param) + "*=" + pieces[0];
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i) out += ";\r\n ";
    out += std::string(param) + "*" + std::to_string(i) + "*=" + pieces[i];
  }
  return out;
}

std::string LastSegment(std::string_view file) {
  size_t slash = file.find_last_of("/\\");
  std::string name = HeaderSafe(slash == std::string_view::npos ? file : file.substr(slash + 1));
  return name.empty() ? "attachment" : name;
}

}  // namespace

Result<MailAddress> ParseMailAddress(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + HeaderSafe(text) + "' is not an e-mail address: " + why);
  };
  for (size_t i = 0; i < text.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(text, i, &len);
    if (IsControl(cp)) return bad("it holds a control character");
    if (len == 1 && cp >= 0x80) return bad("it is not valid UTF-8");
    i += len;
  }
  MailAddress out;
  std::string s = Trim(text);
  size_t open = s.find('<');
  if (open != std::string::npos) {
    if (s.back() != '>' || s.find('<', open + 1) != std::string::npos || s.find('>') != s.size() - 1) {
      return bad("write it as Name <local@domain>");
    }
    out.name = Trim(std::string_view(s).substr(0, open));
    if (out.name.size() >= 2 && out.name.front() == '"' && out.name.back() == '"') {
      out.name = out.name.substr(1, out.name.size() - 2);
    }
    out.address = Trim(std::string_view(s).substr(open + 1, s.size() - open - 2));
  } else {
    out.address = s;
  }
  size_t at = out.address.rfind('@');
  if (at == std::string::npos) return bad("it has no '@'");
  if (out.address.size() > 254) return bad("it is longer than 254 characters");
  if (!IsDotAtom(std::string_view(out.address).substr(0, at))) {
    return bad("the part before '@' must be letters, digits, dots and !#$%&'*+-/=?^_`{|}~ (no quotes or spaces)");
  }
  if (!IsDomain(std::string_view(out.address).substr(at + 1))) {
    return bad("the domain must be ASCII letters, digits, '-' and dots (an IDN in its xn-- form)");
  }
  return out;
}

std::string MaskedAddress(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(address.substr(0, 1)) + "***" + std::string(address.substr(at));
}

std::string EncodeHeaderText(std::string_view raw, size_t used) {
  std::string text = HeaderSafe(raw);
  bool plain = used + text.size() <= kLineLimit && text.find("=?") == std::string::npos;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) plain = false;
  }
  if (plain) return text;
  return EncodedWords(text, used);
}

std::string ContentTypeOfFile(std::string_view file_name) {
  auto ends = [&](std::string_view ext) {
    return file_name.size() >= ext.size() &&
           AsciiLower(file_name.substr(file_name.size() - ext.size())) == ext;
  };
  if (ends(".epub")) return "application/epub+zip";
  if (ends(".html") || ends(".htm")) return "text/html; charset=utf-8";
  if (ends(".pdf")) return "application/pdf";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  if (ends(".zip")) return "application/zip";
  return "application/octet-stream";
}

std::string FormatMessage(const MailMessage& m) {
  std::string seed = GitBlobId(m.message_id + "\n" + m.subject + "\n" + m.text + "\n" + m.html);
  std::string mixed = "=_nm_m" + seed.substr(0, 24);
  std::string alternative = "=_nm_a" + seed.substr(0, 24);
  std::string out;
  out += "Date: " + Rfc5322Date(m.date_ms) + "\r\n";
  out += "From: " + FormatMailbox(m.from, 6) + "\r\n";
  out += "To: " + FormatMailbox(m.to, 4) + "\r\n";
  out += "Subject: " + EncodeHeaderText(m.subject, 9) + "\r\n";
  // The id is made by newsmirror from hex digits and a checked domain.
  out += "Message-ID: <" + HeaderSafe(m.message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  std::string body;
  body += "--" + alternative + "\r\n";
  body += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  body += Base64Body(m.text);
  body += "--" + alternative + "\r\n";
  body += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  body += Base64Body(m.html);
  body += "--" + alternative + "--\r\n";
  if (m.attachments.empty()) {
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alternative + "\"\r\n\r\n";
    return out + body;
  }
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
  out += "--" + mixed + "\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alternative + "\"\r\n\r\n";
  out += body;
  for (const MailAttachment& a : m.attachments) {
    std::string name = LastSegment(a.file_name);
    std::string type = HeaderSafe(a.content_type.empty() ? ContentTypeOfFile(name) : a.content_type);
    out += "--" + mixed + "\r\n";
    out += "Content-Type: " + type + ";\r\n " + FileParameter("name", name) + "\r\n";
    out += "Content-Disposition: attachment;\r\n " + FileParameter("filename", name) + "\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Body(a.bytes);
  }
  out += "--" + mixed + "--\r\n";
  return out;
}

}  // namespace nm
