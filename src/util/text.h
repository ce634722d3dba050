// Small text helpers several modules share: ASCII case folding that keeps
// byte offsets, reading UTF-8 one code point at a time, cutting UTF-8 at a
// character boundary, text made safe to print on a terminal, and splitting
// text into lines and a line into its fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nm {

// A-Z to a-z; every other byte (UTF-8 included) as it is.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s);

// The code point of the UTF-8 sequence at s[i]; *len is its byte length. A
// byte that starts no whole sequence (cut short, or a byte that is not a
// continuation inside it) is read alone (*len = 1, its value).
uint32_t DecodeUtf8At(std::string_view s, size_t i, size_t* len);

// `s` with every byte that is not part of a valid, shortest-form UTF-8
// sequence (surrogates included) replaced by U+FFFD.
std::string ValidUtf8(std::string_view s);

// Whether the code point could move a terminal's cursor, change its state or
// reorder what it shows: C0 controls (tab and line feed aside), DEL, C1
// controls (U+0080–U+009F, among them CSI), and the bidirectional formatting
// characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
bool IsTerminalControl(uint32_t cp);

// `s` with every such code point, and every byte that is not part of a valid
// UTF-8 sequence (overlong forms and surrogates included), replaced by
// U+FFFD: what newsmirror prints for people (titles, names and messages that
// hold a feed's or a page's text) goes through it, so an escape sequence in a
// feed reaches a terminal or log only as visible text.
std::string TerminalSafe(std::string_view s);

// JSON text (nlohmann's dump, which escapes C0 controls in strings itself)
// with the other code points above written as \u escapes and invalid bytes
// as \ufffd: the same JSON value (such code points only occur in strings),
// safe on a terminal.
std::string TerminalSafeJson(std::string_view json);

// `s` cut at every `sep`, empty pieces kept ("a\t\tb" → a, "", b); with
// `drop_final_empty`, an empty piece after a final `sep` is not returned
// (the lines of a file that ends in a newline). Views into `s`.
std::vector<std::string_view> SplitOn(std::string_view s, char sep, bool drop_final_empty = false);

// The largest n <= max_bytes at which s can be cut without splitting a UTF-8
// sequence (s.size() when it fits): continuation bytes before the cut are
// stepped back over, at most three of them.
size_t Utf8CutPoint(std::string_view s, size_t max_bytes);

}  // namespace nm
