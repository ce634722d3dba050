// The newsmirror command line: one subcommand per job, each in its own file.
#include <CLI/CLI.hpp>
#include <malloc.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Buffers of 1 MiB and more (feed bodies, parsed documents) get pages of
  // their own, returned when freed. glibc would otherwise raise this threshold
  // after the first such free and put the next ones on the heap, where they
  // leave holes between the outlets' state loaded as feeds arrive: 125 MB at
  // the peak of a 100,000-article run instead of 117 MB (docs/BENCHMARKS.md).
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  CLI::App app{
      "newsmirror keeps blocked news readable: it reads news outlets' feeds, archives every\n"
      "article as a Markdown file in a git repository with a list page per outlet, and\n"
      "commits and pushes the mirror.",
      "newsmirror"};
  app.set_version_flag("--version", std::string("newsmirror ") + NEWSMIRROR_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 1 usage or configuration error (or --archive is not a mirror);\n"
      "2 some sources, remotes or bundles failed (the rest was archived and published); 3 the run\n"
      "could not be carried out (mirror not writable, another run holds the lock, commit failed).\n"
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
  nm::cli::AddBundleCommand(app, exit_code);
  nm::cli::AddRolloverCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }
  return exit_code;
}
