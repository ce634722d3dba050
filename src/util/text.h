// Small text helpers several modules share: ASCII case folding that keeps
// byte offsets, reading UTF-8 one code point at a time, and cutting UTF-8 at
// a character boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nm {

// A-Z to a-z; every other byte (UTF-8 included) as it is.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s);

// The code point of the UTF-8 sequence at s[i]; *len is its byte length. A
// byte that starts no whole sequence (cut short, or a byte that is not a
// continuation inside it) is read alone (*len = 1, its value).
uint32_t DecodeUtf8At(std::string_view s, size_t i, size_t* len);

// The largest n <= max_bytes at which s can be cut without splitting a UTF-8
// sequence (s.size() when it fits): continuation bytes before the cut are
// stepped back over, at most three of them.
size_t Utf8CutPoint(std::string_view s, size_t max_bytes);

}  // namespace nm
