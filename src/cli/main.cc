// The newsmirror command line: one subcommand per job, each in its own file.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "newsmirror keeps blocked news readable: it reads news outlets' feeds, archives every\n"
      "article as a Markdown file in a git repository with a list page per outlet, and\n"
      "commits and pushes the mirror.",
      "newsmirror"};
  app.set_version_flag("--version", std::string("newsmirror ") + NEWSMIRROR_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 1 usage or configuration error; 2 some sources or remotes\n"
      "failed (the others were archived and published); 3 the run could not be carried out\n"
      "(mirror not writable, another run holds the lock, commit failed).\n"
      "Run 'newsmirror COMMAND --help' for a command's options.");
  int exit_code = 0;
  nm::cli::AddRunCommand(app, exit_code);
  nm::cli::AddParseCommand(app, exit_code);
  nm::cli::AddParseDateCommand(app, exit_code);
  nm::cli::AddAddCommand(app, exit_code);
  nm::cli::AddExtractCommand(app, exit_code);
  nm::cli::AddSearchCommand(app, exit_code);
  nm::cli::AddSiteCommand(app, exit_code);
  nm::cli::AddServeCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  return exit_code;
}
