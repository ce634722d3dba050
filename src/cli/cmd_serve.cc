// newsmirror serve: the local reader in the browser.
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "site/server.h"

namespace nm::cli {

namespace {
ReaderServer* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->Shutdown();
}
}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Read the mirror in a browser: outlets, months, articles (sanitized as on the static\n"
      "site) and full-text search. Stop it with Ctrl-C.");
  cmd->add_option("-a,--archive", opts->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("--bind", opts->bind, "Address to listen on")->default_val("127.0.0.1");
  cmd->add_option("-p,--port", opts->port, "Port (0 = any free port)")->default_val(8080)->check(CLI::Range(0, 65535));
  cmd->callback([&exit_code, opts] {
    auto server = ReaderServer::Start(*opts);
    if (!server.ok()) {
      std::cerr << "newsmirror: " << server.status().message() << "\n";
      exit_code = kExitFailed;
      return;
    }
    g_server = server->get();
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    std::cout << "newsmirror: reading " << opts->archive << " at http://" << opts->bind << ":" << (*server)->port()
              << "/" << std::endl;
    (*server)->Wait();
    g_server = nullptr;
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
