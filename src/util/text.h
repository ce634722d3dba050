// Small text helpers several modules share: ASCII case folding that keeps
// byte offsets, reading UTF-8 one code point at a time, and splitting text
// into lines and fields.
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

// `s` cut at every `sep`, empty pieces kept ("a\t\tb" → a, "", b); with
// `drop_final_empty`, an empty piece after a final `sep` is not returned
// (the lines of a file that ends in a newline). Views into `s`.
std::vector<std::string_view> SplitOn(std::string_view s, char sep, bool drop_final_empty = false);

}  // namespace nm
