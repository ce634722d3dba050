#include "decode/charset.h"


#include <simdjson.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

namespace nm {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string TrimLabel(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\"'");
  size_t e = s.find_last_not_of(" \t\r\n\"'");
  return b == std::string_view::npos ? std::string() : Lower(s.substr(b, e - b + 1));
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

ConverterPtr OpenConverter(const std::string& name) {
  if (name.empty()) return nullptr;
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr c(ucnv_open(name.c_str(), &err));
  if (U_FAILURE(err)) return nullptr;
  return c;
}

// Counts every invalid or unmapped byte sequence and puts U+FFFD in its place
// (ICU's own substitute would be U+001A for single-byte code pages).
void CountingSubstitute(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                        UConverterCallbackReason reason, UErrorCode* err) {
  if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR) return;
  ++*static_cast<size_t*>(const_cast<void*>(context));
  *err = U_ZERO_ERROR;
  const UChar replacement = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &replacement, 1, 0, err);
}

// An ICU converter from one charset to UTF-8, for decoding many pieces of a
// document without opening one per piece. Not copyable: ICU holds a pointer
// to its error count.
class ToUtf8 {
 public:
  explicit ToUtf8(const std::string& name) : from_(OpenConverter(name)), to_(OpenConverter("UTF-8")) {
    UErrorCode err = U_ZERO_ERROR;
    if (from_ && to_) ucnv_setToUCallBack(from_.get(), CountingSubstitute, &errors_, nullptr, nullptr, &err);
    if (!to_ || U_FAILURE(err)) from_.reset();
  }
  ToUtf8(const ToUtf8&) = delete;
  ToUtf8& operator=(const ToUtf8&) = delete;

  bool ok() const { return from_ != nullptr; }
  const UConverter* from() const { return from_.get(); }

  // Appends `bytes` decoded to `out`, straight into UTF-8 (no UTF-16 copy of
  // a large document); returns the invalid sequences replaced by U+FFFD, or
  // nullopt when ICU fails.
  std::optional<size_t> AppendTo(std::string_view bytes, std::string& out) {
    if (!ok()) return std::nullopt;
    errors_ = 0;
    size_t start = out.size();
    out.resize(start + bytes.size() + bytes.size() / 2 + 16);  // two-byte CJK grows to three
    const char* src = bytes.data();
    const char* src_end = bytes.data() + bytes.size();
    char* target = out.data() + start;
    UChar pivot[1024];
    UChar* pivot_source = pivot;
    UChar* pivot_target = pivot;
    bool reset = true;
    UErrorCode err = U_ZERO_ERROR;
    for (;;) {
      err = U_ZERO_ERROR;
      ucnv_convertEx(to_.get(), from_.get(), &target, out.data() + out.size(), &src, src_end, pivot,
                     &pivot_source, &pivot_target, pivot + 1024, reset, true, &err);
      reset = false;
      if (err != U_BUFFER_OVERFLOW_ERROR) break;
      size_t used = static_cast<size_t>(target - out.data());
      out.resize(out.size() * 2);
      target = out.data() + used;
    }
    out.resize(static_cast<size_t>(target - out.data()));
    if (U_FAILURE(err)) {
      out.resize(start);
      return std::nullopt;
    }
    return errors_;
  }

 private:
  ConverterPtr from_, to_;
  size_t errors_ = 0;
};

// Decodes with ICU converter `name` into UTF-8; nullopt when there is no such
// converter.
std::optional<std::string> Convert(std::string_view bytes, const std::string& name, size_t* errors) {
  ToUtf8 converter(name);
  std::string out;
  std::optional<size_t> replaced = converter.AppendTo(bytes, out);
  if (!replaced) return std::nullopt;
  *errors = *replaced;
  out.shrink_to_fit();
  return out;
}

// Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF);
// counts the bad sequences and the good multi-byte ones. Every fetched feed
// passes through here, so runs of ASCII are skipped eight bytes at a time and
// the common three-byte sequences (CJK) are checked without the general path.
void ScanUtf8(std::string_view b, size_t* bad, size_t* good_multibyte) {
  *bad = *good_multibyte = 0;
  // Nearly every document is valid UTF-8: simdjson's validator (SIMD, the
  // kernel picked for this CPU at run time) settles that at several GB/s,
  // and the good multi-byte sequences are then the lead bytes (11xxxxxx).
  if (simdjson::validate_utf8(b.data(), b.size())) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(b.data());
    size_t i = 0, leads = 0;
    for (; i + 8 <= b.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      // One bit per lead byte, moved to the bottom of its byte; the multiply
      // adds the eight bytes into the top one.
      uint64_t ones = ((w & (w << 1)) & 0x8080808080808080ULL) >> 7;
      leads += static_cast<size_t>((ones * 0x0101010101010101ULL) >> 56);
    }
    for (; i < b.size(); ++i) leads += p[i] >= 0xC0;
    *good_multibyte = leads;
    return;
  }
  size_t i = 0;
  const size_t n = b.size();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(b.data());
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    // U+1000–U+CFFF and U+E000–U+FFFF: no bounds besides 80–BF on both
    // trailing bytes. Runs of them (Chinese text) stay in this loop.
    // Two characters per step: lead E1–EC/EE/EF (bit set in 0xDFFE by its low
    // nibble) and two bytes 80–BF, twice.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0xC0C0F0C0C0F0ULL) != 0x8080E08080E0ULL ||
          !((0xDFFEu >> (p[i] & 0x0F)) & (0xDFFEu >> (p[i + 3] & 0x0F)) & 1u)) {
        break;
      }
      *good_multibyte += 2;
      i += 6;
    }
    while (i + 3 <= n && (p[i] & 0xF0) == 0xE0 && p[i] != 0xE0 && p[i] != 0xED &&
           ((p[i + 1] & 0xC0) | ((p[i + 2] & 0xC0) << 8)) == 0x8080) {
      ++*good_multibyte;
      i += 3;
    }
    if (i >= n) break;
    c = p[i];
    if (c < 0x80) { ++i; continue; }
    int more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    bool ok = more > 0;
    for (int k = 1; ok && k <= more; ++k) {
      if (i + k >= n) { ok = false; break; }
      unsigned char d = p[i + k];
      ok = k == 1 ? (d >= lo && d <= hi) : (d >= 0x80 && d <= 0xBF);
    }
    if (ok) {
      ++*good_multibyte;
      i += static_cast<size_t>(more) + 1;
    } else {
      ++*bad;
      ++i;
    }
  }
}

// A label of a charset that spells ASCII differently (UTF-16/32, EBCDIC) is
// wrong for a document whose bytes did not match those patterns.
bool IsAsciiCompatible(const std::string& converter) {
  constexpr std::string_view kProbe = "<?xml version=\"1.0\"?><a b='c'>&#9;</a>";
  size_t errors = 0;
  auto out = Convert(kProbe, converter, &errors);
  return out && errors == 0 && *out == kProbe;
}

bool IsSingleByte(const std::string& converter) {
  ConverterPtr conv = OpenConverter(converter);
  return conv && ucnv_getMaxCharSize(conv.get()) == 1;
}

bool IsAscii(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The name reported for a label: GB2312 and GBK are reported as the GB18030
// they are read with; every other label as written (lower-case).
std::string ReportedName(const std::string& label) {
  if (WidenCharset(label) == "gb18030") return "gb18030";
  if (label == "utf8") return "utf-8";
  return label;
}

// Code points 0x80-0x9F of windows-1252; 0 where cp1252 leaves the byte undefined.
constexpr char16_t kCp1252C1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// UTF-8 text holding C1 controls (U+0080-U+009F) was cp1252 that someone read
// as Latin-1; no news text means a C1 control.
// Does UTF-8 `text` hold a C1 control that DemoronizeC1 reads as cp1252?
// Most documents have none (U+00A0–U+00BF, e.g. the middle dot of names,
// share the lead byte).
bool HasWindows1252C1(std::string_view text) {
  for (size_t at = text.find('\xC2'); at != std::string_view::npos; at = text.find('\xC2', at + 1)) {
    unsigned char d = at + 1 < text.size() ? text[at + 1] : 0;
    if (d >= 0x80 && d <= 0x9F && Windows1252ForC1(d) != d) return true;
  }
  return false;
}

size_t DemoronizeC1(std::string& text) {
  if (!HasWindows1252C1(text)) return 0;
  std::string out;
  out.reserve(text.size() + 16);
  size_t fixed = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == 0xC2 && i + 1 < text.size()) {
      unsigned char d = text[i + 1];
      if (d >= 0x80 && d <= 0x9F && Windows1252ForC1(d) != d) {
        char32_t cp = Windows1252ForC1(d);
        if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        }
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        ++i;
        ++fixed;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  text = std::move(out);
  return fixed;
}

struct Pattern {
  std::string_view prefix;
  const char* converter;
  const char* name;
};

// Byte order marks, longest first (UTF-32LE's starts like UTF-16LE's).
constexpr Pattern kBoms[] = {
    {std::string_view("\x00\x00\xFE\xFF", 4), "UTF-32BE", "utf-32be"},
    {std::string_view("\xFF\xFE\x00\x00", 4), "UTF-32LE", "utf-32le"},
    {"\xEF\xBB\xBF", "UTF-8", "utf-8"},
    {"\xFE\xFF", "UTF-16BE", "utf-16be"},
    {"\xFF\xFE", "UTF-16LE", "utf-16le"},
};

// XML appendix F without a BOM: how the first characters ("<?xml", or any
// ASCII markup) look in the wide encodings.
const Pattern* WidePattern(std::string_view b) {
  static constexpr Pattern k32be{"", "UTF-32BE", "utf-32be"}, k32le{"", "UTF-32LE", "utf-32le"},
      k16be{"", "UTF-16BE", "utf-16be"}, k16le{"", "UTF-16LE", "utf-16le"};
  if (b.size() < 4) return nullptr;
  unsigned char c0 = b[0], c1 = b[1], c2 = b[2], c3 = b[3];
  if (c0 == 0 && c1 == 0 && c2 == 0 && c3 != 0) return &k32be;
  if (c0 != 0 && c1 == 0 && c2 == 0 && c3 == 0) return &k32le;
  if (c0 == 0 && c1 != 0 && c2 == 0 && c3 != 0) return &k16be;
  if (c0 != 0 && c1 == 0 && c2 != 0 && c3 == 0) return &k16le;
  return nullptr;
}

// `utf8_errors`: ScanUtf8's count for `bytes` when the caller has it already.
// `may_borrow`: valid UTF-8 needing no change is referred to, not copied.
Decoded Finish(std::string_view bytes, const std::string& converter, std::string charset,
               std::string source, Decoded d, const size_t* utf8_errors = nullptr, bool may_borrow = false) {
  size_t errors = 0;
  std::optional<std::string> text;
  bool utf8 = converter == "utf-8" || converter == "UTF-8";
  if (utf8) {
    size_t good = 0;
    if (utf8_errors) errors = *utf8_errors;
    else ScanUtf8(bytes, &errors, &good);
    if (errors == 0 && may_borrow && !HasWindows1252C1(bytes)) {
      d.is_borrowed = true;
      d.borrowed = bytes;
      d.charset = std::move(charset);
      d.source = std::move(source);
      return d;
    }
    if (errors == 0) text = std::string(bytes);  // nothing to convert
  }
  if (!text) text = Convert(bytes, converter, &errors);
  if (!text) {  // cannot happen for the converters chosen above; stay readable anyway
    text = Convert(bytes, "windows-1252", &errors);
    charset = "windows-1252";
  }
  d.text = std::move(*text);
  d.charset = std::move(charset);
  d.source = std::move(source);
  d.replaced = errors;
  if (errors) {
    d.warnings.push_back("replaced " + std::to_string(errors) + " invalid byte sequences (" +
                         d.charset + ") with U+FFFD");
  }
  if (converter == "UTF-8" || converter == "utf-8") {
    if (size_t fixed = DemoronizeC1(d.text)) {
      d.warnings.push_back("read " + std::to_string(fixed) + " C1 control characters as windows-1252");
    }
  }
  return d;
}

// EBCDIC "<?xm": the declaration, read in the invariant characters every
// EBCDIC code page shares, names the code page.
Decoded DecodeEbcdic(std::string_view bytes, Decoded d) {
  size_t errors = 0;
  std::string label = "cp037";
  if (auto head = Convert(bytes.substr(0, 512), "ibm-37", &errors)) {
    std::string declared = XmlDeclaredEncoding(*head);
    std::string conv = WidenCharset(declared);
    if (!conv.empty() && !IsAsciiCompatible(conv)) label = declared;
    else if (!declared.empty()) d.warnings.push_back("EBCDIC document declares \"" + declared + "\"; read as cp037");
  }
  d = Finish(bytes, WidenCharset(label), ReportedName(label), "bytes", std::move(d));
  // EBCDIC ends lines with NEL.
  std::string out;
  out.reserve(d.text.size());
  for (size_t i = 0; i < d.text.size(); ++i) {
    if (d.text.compare(i, 2, "\xC2\x85") == 0) {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(d.text[i]);
    }
  }
  d.text = std::move(out);
  return d;
}

// Charsets ICU's detector proposes, most likely first, that decode `bytes` without error.
std::optional<std::string> Detect(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&err);
  if (U_FAILURE(err)) return std::nullopt;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> guard(det, ucsdet_close);
  // The detector reads a sample; the choice is then checked against every byte.
  std::string_view sample = bytes.substr(0, 1 << 16);
  ucsdet_setText(det, sample.data(), static_cast<int32_t>(sample.size()), &err);
  ucsdet_enableInputFilter(det, true);  // markup says nothing about the language
  int32_t n = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det, &n, &err);
  if (U_FAILURE(err)) return std::nullopt;
  for (int32_t i = 0; i < n; ++i) {
    UErrorCode e = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[i], &e);
    if (U_FAILURE(e) || !name) continue;
    std::string label = Lower(name);
    std::string conv = WidenCharset(label);
    if (conv.empty() || !IsAsciiCompatible(conv)) continue;
    size_t errors = 0;
    auto text = Convert(bytes, conv, &errors);
    if (text && errors == 0) return label;
  }
  return std::nullopt;
}

struct Candidate {
  std::string label;
  std::string source;
};

// --- Documents in two charsets ----------------------------------------------
//
// Concatenated or badly templated feeds carry valid UTF-8 text and text in a
// legacy charset side by side. Such a document is cut into pieces at '<' and
// after line breaks — no character of an ASCII-compatible, stateless charset
// spans those bytes — and each piece is read in the charset it is valid in.
// A piece both charsets read (GB18030 reads most UTF-8 too; a two-byte
// Chinese character may be valid UTF-8) is weak evidence: it goes with its
// neighbours.

// Converters for pieces: ASCII-compatible and without shift states.
bool IsStatelessAsciiCompatible(const std::string& converter) {
  ConverterPtr conv = OpenConverter(converter);
  if (!conv) return false;
  UConverterType type = ucnv_getType(conv.get());
  return (type == UCNV_SBCS || type == UCNV_MBCS || type == UCNV_LATIN_1 || type == UCNV_US_ASCII) &&
         IsAsciiCompatible(converter);
}

struct Piece {
  size_t begin = 0, end = 0;
  enum Kind { kAscii, kUtf8, kBroken } kind = kAscii;
  size_t multibyte = 0;  // valid UTF-8 sequences of two bytes or more
  size_t long_seqs = 0;  // of three or four bytes
  size_t bad = 0;        // bytes that start no valid UTF-8 sequence
  enum Reading { kEither, kAsUtf8, kAsLegacy, kWeak } reading = kEither;
};

// The length of the strict UTF-8 sequence at p[i] (a byte of 0x80 or more),
// or 0 when none starts there: ScanUtf8's rules.
size_t Utf8SequenceAt(const unsigned char* p, size_t n, size_t i) {
  unsigned char c = p[i];
  size_t more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
  if (more == 0 || i + more >= n) return 0;
  unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  if (p[i + 1] < lo || p[i + 1] > hi) return 0;
  for (size_t k = 2; k <= more; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
  }
  return more + 1;
}

// The document cut into pieces, each classified in one pass over its bytes.
std::vector<Piece> Pieces(std::string_view b) {
  std::vector<Piece> pieces;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(b.data());
  const size_t n = b.size();
  Piece piece;
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c == '<' && i > piece.begin) {
        piece.end = i;
        pieces.push_back(piece);
        piece = Piece{};
        piece.begin = i;
      }
      ++i;
      if (c == '\n') {
        piece.end = i;
        pieces.push_back(piece);
        piece = Piece{};
        piece.begin = i;
      }
      continue;
    }
    if (size_t len = Utf8SequenceAt(p, n, i)) {
      ++piece.multibyte;
      if (len >= 3) ++piece.long_seqs;
      i += len;
    } else {
      ++piece.bad;
      ++i;
    }
    piece.kind = piece.bad ? Piece::kBroken : Piece::kUtf8;
  }
  if (piece.begin < n) {
    piece.end = n;
    pieces.push_back(piece);
  }
  return pieces;
}

// The legacy charset of the pieces UTF-8 cannot read: the first label the
// server or the document gives that fits, else what ICU detects in those
// pieces when they are enough text to judge. "" when there is none.
std::string LegacyCharset(std::string_view b, const std::vector<Piece>& pieces, const std::vector<std::string>& labels) {
  std::string broken;
  for (const Piece& p : pieces) {
    if (p.kind == Piece::kBroken && p.bad > 2 * p.long_seqs) broken.append(b.substr(p.begin, p.end - p.begin));
  }
  if (broken.empty()) return {};
  for (const std::string& label : labels) {
    std::string conv = WidenCharset(label);
    if (conv.empty() || conv == "utf-8" || !IsStatelessAsciiCompatible(conv)) continue;
    size_t errors = 0;
    if (Convert(broken, conv, &errors) && errors == 0) return label;
  }
  // Fewer bytes than this say too little for the detector: a stray byte in
  // UTF-8 text stays U+FFFD.
  constexpr size_t kEnoughToDetect = 32;
  size_t non_ascii = static_cast<size_t>(
      std::count_if(broken.begin(), broken.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  if (non_ascii < kEnoughToDetect) return {};
  std::optional<std::string> detected = Detect(broken);
  if (!detected || WidenCharset(*detected) == "utf-8" || !IsStatelessAsciiCompatible(WidenCharset(*detected))) return {};
  return *detected;
}

// A valid UTF-8 piece that no multi-byte charset explains by chance.
bool CertainlyUtf8(const Piece& p) { return p.kind == Piece::kUtf8 && p.multibyte >= 3 && p.long_seqs > 0; }

// The document read piece by piece; or, when it is not one of two charsets
// (no piece that only UTF-8 reads well, or none that only the legacy charset
// does), nullopt, and the caller reads it in one charset. `utf8_evident` is
// then set when pieces of it are certainly UTF-8: the one charset is UTF-8.
std::optional<Decoded> DecodeMixed(std::string_view b, const std::vector<std::string>& labels, Decoded d,
                                   bool* utf8_evident) {
  std::vector<Piece> pieces = Pieces(b);
  *utf8_evident = std::any_of(pieces.begin(), pieces.end(), CertainlyUtf8);
  if (std::none_of(pieces.begin(), pieces.end(), [](const Piece& p) { return p.kind == Piece::kUtf8; })) {
    return std::nullopt;
  }
  if (!*utf8_evident) {
    // Then only a piece the legacy charset cannot read (or any, against a
    // single-byte one) is strong UTF-8. A document in a multi-byte charset it
    // names, whose few valid UTF-8 pieces it reads too, is no mix: found
    // before reading the rest of it, which is most of every such document.
    for (const std::string& label : labels) {
      std::string conv = WidenCharset(label);
      if (conv.empty() || conv == "utf-8" || !IsStatelessAsciiCompatible(conv)) continue;
      ToUtf8 probe(conv);
      if (!probe.ok() || ucnv_getMaxCharSize(probe.from()) == 1) break;
      std::string scratch;
      bool reads_all = std::all_of(pieces.begin(), pieces.end(), [&](const Piece& p) {
        if (p.kind != Piece::kUtf8) return true;
        scratch.clear();
        std::optional<size_t> errors = probe.AppendTo(b.substr(p.begin, p.end - p.begin), scratch);
        return errors && *errors == 0;
      });
      if (reads_all) return std::nullopt;
      break;
    }
  }
  std::string legacy = LegacyCharset(b, pieces, labels);
  if (legacy.empty()) return std::nullopt;
  ToUtf8 reader(WidenCharset(legacy));
  if (!reader.ok()) return std::nullopt;
  bool single_byte = ucnv_getMaxCharSize(reader.from()) == 1;
  std::string scratch;
  auto legacy_reads = [&](const Piece& p) {
    scratch.clear();
    std::optional<size_t> errors = reader.AppendTo(b.substr(p.begin, p.end - p.begin), scratch);
    return errors && *errors == 0;
  };
  // How each piece reads by itself. UTF-8 is strong evidence when chance
  // cannot explain it: any multi-byte sequence against a single-byte charset
  // (text in one is rarely valid UTF-8), at least three with one of three
  // bytes or more against a multi-byte one.
  size_t strong_utf8 = 0, strong_legacy = 0;
  for (Piece& p : pieces) {
    if (p.kind == Piece::kAscii) continue;
    bool legacy_ok = legacy_reads(p);
    if (p.kind == Piece::kUtf8) {
      bool strong = single_byte ? p.multibyte > 0 : CertainlyUtf8(p);
      p.reading = strong || !legacy_ok ? Piece::kAsUtf8 : Piece::kWeak;
    } else if (!legacy_ok) {
      p.reading = Piece::kAsUtf8;  // neither reads it: UTF-8, with U+FFFD
    } else {
      p.reading = p.bad > 2 * p.long_seqs ? Piece::kAsLegacy : Piece::kWeak;
    }
    strong_utf8 += p.reading == Piece::kAsUtf8 && p.kind == Piece::kUtf8;
    strong_legacy += p.reading == Piece::kAsLegacy;
  }
  if (strong_utf8 == 0 || strong_legacy == 0) return std::nullopt;
  // A run of weak pieces is read as legacy when every strong piece beside it
  // is, else as UTF-8.
  for (size_t i = 0; i < pieces.size();) {
    if (pieces[i].reading != Piece::kWeak) { ++i; continue; }
    size_t j = i;
    while (j < pieces.size() && (pieces[j].reading == Piece::kWeak || pieces[j].reading == Piece::kEither)) ++j;
    Piece::Reading before = Piece::kEither;
    for (size_t k = i; k-- > 0;) {
      if (pieces[k].reading != Piece::kEither) { before = pieces[k].reading; break; }
    }
    Piece::Reading after = j < pieces.size() ? pieces[j].reading : Piece::kEither;
    bool as_legacy = before != Piece::kAsUtf8 && after != Piece::kAsUtf8;
    for (size_t k = i; k < j; ++k) {
      if (pieces[k].reading == Piece::kWeak) pieces[k].reading = as_legacy ? Piece::kAsLegacy : Piece::kAsUtf8;
    }
    i = j;
  }
  // Runs of one reading are decoded at once (ASCII goes with either).
  std::string out;
  out.reserve(b.size() + b.size() / 2);
  size_t replaced = 0, legacy_bytes = 0;
  ToUtf8 utf8_reader("UTF-8");
  for (size_t i = 0; i < pieces.size();) {
    bool as_legacy = pieces[i].reading == Piece::kAsLegacy;
    size_t j = i + 1;
    while (j < pieces.size() && (pieces[j].reading == Piece::kEither || (pieces[j].reading == Piece::kAsLegacy) == as_legacy)) ++j;
    std::string_view run = b.substr(pieces[i].begin, pieces[j - 1].end - pieces[i].begin);
    size_t bad = 0, good = 0;
    if (!as_legacy) ScanUtf8(run, &bad, &good);
    if (!as_legacy && bad == 0) {
      out.append(run);
    } else {
      std::optional<size_t> errors = (as_legacy ? reader : utf8_reader).AppendTo(run, out);
      if (!errors) return std::nullopt;
      replaced += *errors;
      if (as_legacy) legacy_bytes += run.size();
    }
    i = j;
  }
  d.text = std::move(out);
  d.charset = "utf-8+" + ReportedName(legacy);
  d.source = "mixed";
  d.replaced = replaced;
  d.warnings.push_back("the document mixes two charsets: read " + std::to_string(legacy_bytes) + " of its " +
                       std::to_string(b.size()) + " bytes as " + ReportedName(legacy) + ", the rest as UTF-8");
  if (replaced) {
    d.warnings.push_back("replaced " + std::to_string(replaced) + " invalid byte sequences (" + d.charset + ") with U+FFFD");
  }
  if (size_t fixed = DemoronizeC1(d.text)) {
    d.warnings.push_back("read " + std::to_string(fixed) + " C1 control characters as windows-1252");
  }
  return d;
}

// The charsets other XML declarations in the document name: a concatenated
// feed carries its second part's.
std::vector<std::string> LaterXmlDeclarations(std::string_view b) {
  std::vector<std::string> labels;
  for (size_t at = b.find("<?xml", 1); at != std::string_view::npos && labels.size() < 4; at = b.find("<?xml", at + 5)) {
    std::string label = XmlDeclaredEncoding(b.substr(at, 256));
    if (!label.empty()) labels.push_back(label);
  }
  return labels;
}

}  // namespace

char32_t Windows1252ForC1(char32_t cp) {
  if (cp < 0x80 || cp > 0x9F || kCp1252C1[cp - 0x80] == 0) return cp;
  return kCp1252C1[cp - 0x80];
}

std::string CharsetFromContentType(std::string_view ct) {
  std::string lower = Lower(ct);
  size_t p = 0;
  while ((p = lower.find("charset", p)) != std::string::npos) {
    size_t q = p + 7;
    while (q < lower.size() && (lower[q] == ' ' || lower[q] == '\t')) ++q;
    if (q >= lower.size() || lower[q] != '=') {  // "charset:x" is no parameter
      p = q;
      continue;
    }
    ++q;
    while (q < lower.size() && (lower[q] == ' ' || lower[q] == '\t')) ++q;
    size_t end = lower.find_first_of(";,", q);
    return TrimLabel(lower.substr(q, end == std::string::npos ? std::string::npos : end - q));
  }
  return {};
}

std::string XmlDeclaredEncoding(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.substr(0, 5) != "<?xml") return {};
  size_t end = bytes.find("?>");
  std::string_view decl = bytes.substr(0, end);
  size_t p = decl.find("encoding");
  if (p == std::string_view::npos) return {};
  p = decl.find_first_of("\"'", p);
  if (p == std::string_view::npos) return {};
  size_t q = decl.find(decl[p], p + 1);
  if (q == std::string_view::npos) return {};
  return TrimLabel(decl.substr(p + 1, q - p - 1));
}

std::string HtmlMetaCharset(std::string_view bytes) {
  std::string head = Lower(bytes.substr(0, 1024));
  size_t p = 0;
  while ((p = head.find("<meta", p)) != std::string::npos) {
    size_t end = head.find('>', p);
    std::string_view tag = std::string_view(head).substr(p, end == std::string::npos ? std::string::npos : end - p);
    p += 5;
    // Both <meta charset="x"> and <meta http-equiv=content-type content="…; charset=x">.
    size_t c = tag.find("charset");
    if (c == std::string_view::npos) continue;
    c += 7;
    while (c < tag.size() && std::isspace(static_cast<unsigned char>(tag[c]))) ++c;
    if (c >= tag.size() || tag[c] != '=') continue;
    ++c;
    while (c < tag.size() && (std::isspace(static_cast<unsigned char>(tag[c])) || tag[c] == '"' || tag[c] == '\'')) ++c;
    size_t e = c;
    while (e < tag.size() && !std::isspace(static_cast<unsigned char>(tag[e])) && tag[e] != '"' &&
           tag[e] != '\'' && tag[e] != ';' && tag[e] != '/') {
      ++e;
    }
    if (e > c) return std::string(tag.substr(c, e - c));
  }
  return {};
}

std::string WidenCharset(std::string_view label) {
  std::string c = TrimLabel(label);
  std::replace(c.begin(), c.end(), '_', '-');
  static constexpr std::pair<std::string_view, std::string_view> kTable[] = {
      // Feeds labelled gb2312 routinely carry GBK characters, and GBK ones GB18030.
      {"gb2312", "gb18030"}, {"gbk", "gb18030"}, {"x-gbk", "gb18030"}, {"gb-2312-80", "gb18030"},
      {"cp936", "gb18030"}, {"ms936", "gb18030"}, {"windows-936", "gb18030"}, {"euc-cn", "gb18030"},
      {"csgb2312", "gb18030"}, {"chinese", "gb18030"}, {"iso-ir-58", "gb18030"},
      {"csiso58gb231280", "gb18030"}, {"gb18030", "gb18030"},
      {"big5", "big5-hkscs"}, {"x-x-big5", "big5-hkscs"}, {"cn-big5", "big5-hkscs"},
      {"csbig5", "big5-hkscs"}, {"big5hkscs", "big5-hkscs"}, {"big5-hkscs", "big5-hkscs"},
      // As browsers do: Latin-1 and ASCII labels are windows-1252 in practice.
      {"iso-8859-1", "windows-1252"}, {"iso8859-1", "windows-1252"}, {"latin1", "windows-1252"},
      {"l1", "windows-1252"}, {"iso-ir-100", "windows-1252"}, {"cp819", "windows-1252"},
      {"ibm819", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"us-ascii", "windows-1252"},
      {"ascii", "windows-1252"}, {"ansi-x3.4-1968", "windows-1252"}, {"us", "windows-1252"},
      {"cp1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
      {"iso-8859-9", "windows-1254"}, {"latin5", "windows-1254"}, {"iso-8859-11", "windows-874"},
      {"tis-620", "windows-874"}, {"cp874", "windows-874"}, {"euc-kr", "windows-949"}, {"ks-c-5601-1987", "windows-949"},
      {"utf8", "utf-8"}, {"unicode-1-1-utf-8", "utf-8"},
      // Python codec names feeds carry that ICU spells otherwise.
      {"ibm039", "ibm-37"}, {"macgreek", "x-mac-greek"}, {"maclatin2", "x-mac-centraleurroman"},
      {"macturkish", "x-mac-turkish"}, {"cp-is", "ibm-861"},
  };
  for (const auto& [from, to] : kTable) {
    if (c == from) return std::string(to);
  }
  return OpenConverter(c) ? c : std::string();
}

Decoded DecodeDocument(std::string_view bytes, std::string_view content_type, DocumentKind kind,
                       bool may_borrow) {
  Decoded d;
  // The labels a legacy part of a document in two charsets may be read in.
  auto legacy_labels = [&](std::string_view text) {
    std::vector<std::string> labels;
    if (std::string http = CharsetFromContentType(content_type); !http.empty()) labels.push_back(http);
    if (kind == DocumentKind::kXml) {
      if (std::string declared = XmlDeclaredEncoding(text); !declared.empty()) labels.push_back(declared);
      for (std::string& later : LaterXmlDeclarations(text)) labels.push_back(std::move(later));
    } else if (std::string meta = HtmlMetaCharset(text); !meta.empty()) {
      labels.push_back(meta);
    }
    return labels;
  };
  for (const Pattern& bom : kBoms) {
    if (bytes.substr(0, bom.prefix.size()) == bom.prefix) {
      std::string_view rest = bytes.substr(bom.prefix.size());
      if (bom.prefix == "\xEF\xBB\xBF" && !simdjson::validate_utf8(rest.data(), rest.size())) {
        bool utf8_evident = false;
        if (auto mixed = DecodeMixed(rest, legacy_labels(rest), d, &utf8_evident)) return std::move(*mixed);
      }
      return Finish(rest, bom.converter, bom.name, "bom", std::move(d), nullptr, may_borrow);
    }
  }
  if (const Pattern* wide = WidePattern(bytes)) {
    return Finish(bytes, wide->converter, wide->name, "bytes", std::move(d));
  }
  if (kind == DocumentKind::kXml && bytes.substr(0, 4) == "\x4C\x6F\xA7\x94") {
    return DecodeEbcdic(bytes, std::move(d));
  }

  std::string declared = kind == DocumentKind::kXml ? XmlDeclaredEncoding(bytes) : HtmlMetaCharset(bytes);
  std::vector<Candidate> candidates;
  std::string http = CharsetFromContentType(content_type);
  if (!http.empty()) {
    candidates.push_back({http, "http"});
  } else if (kind == DocumentKind::kXml && Lower(content_type).rfind("text/", 0) == 0) {
    // RFC 3023's default for text/xml; RFC 7303 dropped it, so it only holds
    // for bytes that are ASCII.
    candidates.push_back({"us-ascii", "http"});
  }
  if (!declared.empty()) candidates.push_back({declared, "declaration"});
  candidates.push_back({"utf-8", "default"});

  size_t utf8_errors = 0, utf8_good = 0;
  ScanUtf8(bytes, &utf8_errors, &utf8_good);
  bool valid_utf8 = utf8_errors == 0;
  // Valid UTF-8 beside bytes that are not: perhaps two charsets, read part by
  // part. When the other part's charset cannot be told, the UTF-8 part must
  // still not come out as mojibake: the document is read as UTF-8.
  if (!valid_utf8 && utf8_good > 0) {
    bool utf8_evident = false;
    if (auto mixed = DecodeMixed(bytes, legacy_labels(bytes), d, &utf8_evident)) return std::move(*mixed);
    if (utf8_evident) {
      d.warnings.push_back("the document holds UTF-8 beside bytes of a charset that cannot be told; read as UTF-8");
      return Finish(bytes, "utf-8", "utf-8", "default", std::move(d), &utf8_errors, may_borrow);
    }
  }
  std::optional<Candidate> fallback;  // the first usable label, for when nothing decodes
  for (const Candidate& c : candidates) {
    std::string conv = WidenCharset(c.label);
    if (conv.empty() || !IsAsciiCompatible(conv)) {
      d.warnings.push_back("ignored the " + std::string(c.source == "http" ? "HTTP" : "declared") +
                           " charset \"" + c.label + "\": " + (conv.empty() ? "unknown" : "does not fit the bytes"));
      continue;
    }
    if (!fallback) fallback = c;
    if (c.label == "us-ascii" || c.label == "ascii") {
      if (IsAscii(bytes)) return Finish(bytes, conv, "us-ascii", c.source, std::move(d));
      continue;
    }
    // A server's single-byte default must not garble a document that is valid
    // UTF-8 and says so (or says nothing).
    if (c.source == "http" && valid_utf8 && utf8_good > 0 && IsSingleByte(conv) &&
        (declared.empty() || WidenCharset(declared) == "utf-8")) {
      d.warnings.push_back("ignored the HTTP charset \"" + c.label + "\": the document is UTF-8");
      continue;
    }
    size_t errors = 0;
    if (conv == "utf-8" ? valid_utf8 : (Convert(bytes, conv, &errors) && errors == 0)) {
      return Finish(bytes, conv, ReportedName(c.label), c.source, std::move(d),
                    conv == "utf-8" ? &utf8_errors : nullptr, may_borrow);
    }
  }
  // Nothing declared decodes every byte. UTF-8 with a few broken sequences
  // among many good ones stays UTF-8 (replaced); otherwise ask the detector.
  if (fallback && WidenCharset(fallback->label) == "utf-8") {
    if (utf8_good >= 4 * utf8_errors) {
      return Finish(bytes, "utf-8", "utf-8", fallback->source, std::move(d), &utf8_errors, may_borrow);
    }
  }
  if (auto detected = Detect(bytes)) {
    d.warnings.push_back("the bytes are not " + (fallback ? fallback->label : std::string("utf-8")) +
                         "; detected " + *detected);
    return Finish(bytes, WidenCharset(*detected), ReportedName(*detected), "detected", std::move(d));
  }
  if (!fallback) fallback = Candidate{"utf-8", "default"};
  return Finish(bytes, WidenCharset(fallback->label), ReportedName(fallback->label), fallback->source,
                std::move(d));
}

}  // namespace nm
