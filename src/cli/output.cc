#include "cli/output.h"

#include <cstdarg>
#include <string>

#include "util/text.h"

namespace nm::cli {

void Print(std::FILE* to, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string text;
  if (n > 0) {
    text.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(text.data(), text.size(), format, again);
    text.resize(static_cast<size_t>(n));
  }
  va_end(again);
  PrintText(to, text);
}

void PrintText(std::FILE* to, std::string_view text) {
  std::string safe = TerminalSafe(text);
  std::fwrite(safe.data(), 1, safe.size(), to);
}

void PrintJson(const nlohmann::json& j, int indent) {
  std::string text = TerminalSafeJson(j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace));
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace nm::cli
