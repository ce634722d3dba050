// newsmirror serve: the local reader in the browser.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/output.h"
#include "config/config.h"
#include "site/server.h"

namespace nm::cli {

namespace {

// SIGINT and SIGTERM are blocked in every thread (the server's inherit the
// mask) and taken by one thread with sigwait, which may then stop the server
// with ordinary calls: nothing runs inside a signal handler.
std::mutex g_running_mutex;
ReaderServer* g_running = nullptr;  // the server a signal stops, while it runs

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto config_path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Read the mirror in a browser: outlets, months, articles (sanitized as on the static\n"
      "site), stored images, and full-text search a page at a time. The mirror is only read\n"
      "(it may be read-only: the search index then goes to ~/.cache/newsmirror/search/ or\n"
      "memory). Slow clients cost no thread: a request head must arrive in --header-timeout,\n"
      "pipelined requests are answered in order. The text-only edition is at text/. Stop it\n"
      "with Ctrl-C.\n"
      "Exit status: 0 stopped by a signal; 1 usage error, or --archive is not a mirror;\n"
      "3 it could not listen or read the mirror.");
  cmd->add_option("-a,--archive", opts->archive, "The mirror repository's root")->default_val("mirror");
  cmd->add_option("--bind", opts->bind, "Address to listen on")->default_val("127.0.0.1");
  cmd->add_option("-p,--port", opts->port, "Port (0 = any free port)")->default_val(8080)->check(CLI::Range(0, 65535));
  cmd->add_option("--header-timeout", opts->header_timeout_ms,
                  "Milliseconds a request head may take from its first byte (slower clients get 408)")
      ->default_val(10000)
      ->check(CLI::Range(100, 600000));
  cmd->add_option("--max-connections", opts->max_connections,
                  "Open connections at most; beyond, the longest-waiting idle one is closed")
      ->default_val(512)
      ->check(CLI::Range(8, 100000));
  cmd->add_option("-c,--config", *config_path,
                  "Read the list zone ([archive]) and the mirror's copies ([publish] mirrors) from this configuration");
  cmd->callback([&exit_code, opts, config_path] {
    opts->site.footer = ReaderFooterFor(nullptr);
    if (!config_path->empty()) {
      auto config = LoadConfig(*config_path);
      if (!config.ok()) {
        PrintText(stderr, "newsmirror: " + config.status().message() + "\n");
        exit_code = kExitUsage;
        return;
      }
      opts->site.utc_offset_minutes = config->archive.list_utc_offset_minutes;
      opts->site.mirrors = config->archive.mirrors;
      opts->site.footer = ReaderFooterFor(&*config);
    }
    sigset_t stop = StopSignals();
    sigset_t old_mask;
    pthread_sigmask(SIG_BLOCK, &stop, &old_mask);
    auto server = ReaderServer::Start(*opts);
    if (!server.ok()) {
      pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
      PrintText(stderr, "newsmirror: " + server.status().message() + "\n");
      exit_code = server.status().kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
      return;
    }
    {
      std::lock_guard<std::mutex> hold(g_running_mutex);
      g_running = server->get();
    }
    // Detached: it waits for a signal for as long as the process lives.
    std::thread([stop] {
      int sig = 0;
      if (sigwait(&stop, &sig) != 0) return;
      std::lock_guard<std::mutex> hold(g_running_mutex);
      if (g_running) g_running->Shutdown();
    }).detach();
    PrintText(stdout, "newsmirror: reading " + opts->archive + " at http://" + opts->bind + ":" +
                          std::to_string((*server)->port()) + "/\n");
    std::fflush(stdout);
    (*server)->Wait();
    {
      std::lock_guard<std::mutex> hold(g_running_mutex);
      g_running = nullptr;
    }
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
