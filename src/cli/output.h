// What the commands print: every line for people and every --json document
// goes through here, so no title, name or message that holds a feed's or a
// page's text reaches a terminal or a log with its control characters
// (util/text.h, TerminalSafe). Only the progress line's own cursor control
// (cmd_run.cc) is written around it.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

namespace nm::cli {

// printf into `to`, the whole formatted text made TerminalSafe (the format's
// own line feeds and tabs stay).
void Print(std::FILE* to, const char* format, ...) __attribute__((format(printf, 2, 3)));

// `text` as it is, made TerminalSafe, into `to`.
void PrintText(std::FILE* to, std::string_view text);

// `j` on stdout as indented JSON and a line feed; invalid UTF-8 is replaced,
// and control characters JSON leaves raw are written as \u escapes.
void PrintJson(const nlohmann::json& j, int indent = 2);

}  // namespace nm::cli
