// Each subcommand registers itself on the app and sets `exit_code` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace nm::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitPartial = 2;
inline constexpr int kExitFailed = 3;

void AddRunCommand(CLI::App& app, int& exit_code);        // cmd_run.cc
void AddParseDateCommand(CLI::App& app, int& exit_code);  // cmd_parse_date.cc
void AddParseCommand(CLI::App& app, int& exit_code);      // cmd_parse.cc
void AddAddCommand(CLI::App& app, int& exit_code);        // cmd_add.cc
void AddExtractCommand(CLI::App& app, int& exit_code);    // cmd_extract.cc
void AddSearchCommand(CLI::App& app, int& exit_code);     // cmd_search.cc
void AddSiteCommand(CLI::App& app, int& exit_code);       // cmd_site.cc
void AddServeCommand(CLI::App& app, int& exit_code);      // cmd_serve.cc
void AddBundleCommand(CLI::App& app, int& exit_code);     // cmd_bundle.cc
void AddRolloverCommand(CLI::App& app, int& exit_code);   // cmd_rollover.cc

}  // namespace nm::cli
