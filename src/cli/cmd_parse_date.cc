// newsmirror parse-date: one date per line on stdin, one line out each.
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "dates/date_parser.h"

namespace nm::cli {

void AddParseDateCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "parse-date",
      "Read one date string per line on standard input and print, for each, the instant it\n"
      "names in milliseconds since the Unix epoch (UTC), or null when it is not a date.");
  auto zone = std::make_shared<int>(0);
  cmd->add_option("--zone-minutes", *zone, "Minutes east of UTC for dates written without a zone")
      ->default_val(0);
  cmd->callback([&exit_code, zone] {
    std::ios::sync_with_stdio(false);
    std::string line, out;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto ms = ParseDate(line, *zone);
      out += ms ? std::to_string(*ms) : std::string("null");
      out += '\n';
      if (out.size() > 65536) {
        std::cout << out;
        out.clear();
      }
    }
    std::cout << out << std::flush;
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
