// newsmirror extract: runs the article extractor on one saved page.
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "extract/extractor.h"
#include "html/html_tree.h"
#include "util/contain.h"
#include "util/fs.h"

namespace nm::cli {

namespace {

struct ExtractArgs {
  std::string file;
  std::string url;
  std::string selector;
  bool text = false;
};

}  // namespace

void AddExtractCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* cmd = app.add_subcommand(
      "extract",
      "Find the article in a saved web page and print its body: clean HTML as archived\n"
      "(paragraphs, headings, lists, quotes, figures, links; the lead image is left out\n"
      "of the body), or with --text plain text, one paragraph per line. Exit status 3\n"
      "when no article is found.");
  cmd->add_option("FILE", args->file, "The page's HTML (\"-\" for standard input)")->required();
  cmd->add_option("--url", args->url, "The page's address, to resolve relative links and images");
  cmd->add_option("--selector", args->selector,
                  "CSS selector of the article body (type, .class, #id, [attr], [attr=v],\n"
                  "descendant and > combinators, comma lists)");
  cmd->add_flag("--text", args->text, "Print plain text, one paragraph per line");
  cmd->callback([&exit_code, args] {
    std::string bytes;
    if (args->file == "-") {
      bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      auto read = ReadFile(args->file);
      if (!read.ok()) {
        PrintText(stderr, "newsmirror extract: " + read.status().message() + "\n");
        exit_code = kExitUsage;
        return;
      }
      bytes = std::move(read).value();
    }
    // Charset: the bytes are taken as UTF-8 here. This is the one place
    // where a page read from disk would be decoded by its declared charset.
    const std::string& html = bytes;
    Result<ExtractedArticle> article = Status::Internal("not read");
    // A page over the parser's memory budget fails with its cause, not a crash.
    Status read = Contain([&] { article = ExtractArticle(html, ExtractOptions{args->url, args->selector}); });
    if (!read.ok()) article = read;
    if (!article.ok()) {
      PrintText(stderr, "newsmirror extract: " + args->file + ": " + article.status().message() + "\n");
      exit_code = article.status().kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
      return;
    }
    if (article->flattened) {
      std::cerr << "newsmirror extract: " << args->file << ": nested deeper than " << kMaxHtmlDepth
                << " levels (or too many open formatting elements): what lies deeper was read as text\n";
    }
    if (args->text) {
      PrintText(stdout, article->text);
    } else {
      PrintText(stdout, article->body_html + "\n");
    }
    exit_code = kExitOk;
  });
}

}  // namespace nm::cli
