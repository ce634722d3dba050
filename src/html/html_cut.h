// Cuts an HTML fragment to a byte cap without leaving broken markup.
//
// CutHtml keeps the longest prefix that ends outside markup — never inside a
// tag, a comment, a CDATA section or declaration, a character reference, a
// UTF-8 sequence, or the contents of a raw-text element (<script>, <style>,
// <textarea>, …: the whole element goes or stays) — and appends an end tag
// for every element still open there, innermost first, so that the result
// (end tags included) fits in `max_bytes` and parses to the same elements the
// prefix opened. Only the end changes: every byte kept is the original one.
// HTML within the cap is returned as it is. Like attribute_rewrite.h, the
// HTML is scanned, not parsed; memory is bounded by the nesting depth of the
// kept prefix. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nm {

std::string CutHtml(std::string_view html, size_t max_bytes);

}  // namespace nm
