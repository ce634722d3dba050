// libFuzzer target: reading the files of an existing mirror (scripts/fuzz.sh
// archive). Every input is read three ways, and each reader's promise checked:
//   - as an article file: what ParseArticle accepts, FormatArticle writes back
//     so that it parses to the same document (a link's parentheses and spaces
//     percent-encoded); an input in the exact five-line form FormatArticle
//     writes (its title and link escaped) comes back byte for byte;
//   - as state/{outlet}.tsv: what ParseOutletState accepts, serialized and
//     parsed again, gives the same validators and records, and so do its
//     chunk files and feed.tsv's summary of them;
//   - as the one article file of a folder OutletArchive::Load takes over: its
//     record holds the file's id, blob id and header, and the state chunk
//     written for it reads back the same.
// The take-over writes one small file per input into a folder made once
// (without fsync), so it costs little beside the parsing.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "archive/article.h"
#include "archive/file_name.h"
#include "archive/markdown.h"
#include "archive/outlet_archive.h"
#include "layout/layout.h"
#include "state/outlet_state.h"
#include "util/fs.h"
#include "util/hash.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "archive_fuzz: %s\ninput: %.*s\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

bool SameDoc(const nm::ArticleDoc& a, const nm::ArticleDoc& b) {
  return a.published_ms == b.published_ms && a.title == b.title && a.link == b.link && a.content == b.content;
}

bool SameRecords(const std::vector<nm::ArticleRecord>& a, const std::vector<nm::ArticleRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const nm::ArticleRecord &x = a[i], &y = b[i];
    if (x.id != y.id || x.published_ms != y.published_ms || x.blob != y.blob || x.file != y.file ||
        x.guid != y.guid || x.link != y.link || x.title != y.title) {
      return false;
    }
  }
  return true;
}

// True when `text` has the shape FormatArticle writes: five LF-terminated
// lines, no CR, the time in its shortest decimal form, the fourth line empty,
// and the second line's title and link in the escaped form the writers use
// (archive/markdown.h), not in an earlier archive's unescaped one.
bool FiveLineForm(std::string_view text, const nm::ArticleDoc& doc) {
  if (text.find('\r') != std::string_view::npos) return false;
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (lines != 5 || text.back() != '\n') return false;
  size_t first_end = text.find('\n');
  if (text.substr(4, first_end - 7) != std::to_string(doc.published_ms)) return false;
  size_t second_end = text.find('\n', first_end + 1);
  std::string_view second = text.substr(first_end + 1, second_end - first_end - 1);
  size_t sep = second.rfind("](");
  std::string_view link = second.substr(sep + 2, second.size() - sep - 3);
  if (!nm::ReadMarkdownLinkText(second.substr(1, sep - 1)) ||
      nm::MarkdownDestination(nm::ReadMarkdownDestination(link)) != link) {
    return false;
  }
  size_t third_end = text.find('\n', second_end + 1);
  return text[third_end + 1] == '\n';
}

void CheckArticle(std::string_view text) {
  auto doc = nm::ParseArticle(text);
  if (!doc.ok()) return;
  std::string written = nm::FormatArticle(*doc);
  auto again = nm::ParseArticle(written);
  // A link of an earlier archive may lose bytes a Markdown destination cannot
  // hold as they are (parentheses, spaces: percent-encoded), and a title its
  // line breaks (a '\r' inside the line: written as a space, markdown.h);
  // nothing else changes.
  nm::ArticleDoc expected = *doc;
  expected.link = nm::ReadMarkdownDestination(nm::MarkdownDestination(doc->link));
  for (char& c : expected.title) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  if (!again.ok() || !SameDoc(expected, *again)) Fail("an article does not parse back as written", text);
  if (nm::FormatArticle(*again) != written) Fail("an article is written differently the second time", text);
  if (FiveLineForm(text, *doc) && written != text) Fail("a five-line article is not written back byte for byte", text);
}

void CheckState(std::string_view text) {
  auto state = nm::ParseOutletState(text);
  if (!state.ok()) return;
  std::string written = nm::SerializeOutletState(*state);
  auto again = nm::ParseOutletState(written);
  if (!again.ok()) Fail("a serialized state does not parse", text);
  const nm::FeedValidators &v = state->validators, &w = again->validators;
  if (v.url != w.url || v.etag != w.etag || v.last_modified != w.last_modified) {
    Fail("the validators change through serialize and parse", text);
  }
  if (!SameRecords(state->records, again->records)) Fail("the records change through serialize and parse", text);
  if (nm::SerializeOutletState(*again) != written) Fail("a state serializes differently the second time", text);

  // Split into chunk files as a run writes them, the records read back the
  // same, and feed.tsv's summary of them (and any "@chunks" line the input
  // held) reads back as written.
  std::vector<nm::ArticleRecord> from_chunks;
  std::map<int64_t, nm::ChunkSummary> summaries = state->chunks;
  for (size_t i = 0; i < again->records.size();) {
    int64_t chunk = nm::StateChunkOf(again->records[i].id);
    nm::ChunkSummary summary;
    std::string chunk_text = nm::SerializeStateChunk(*again, chunk, &summary);
    auto part = nm::ParseOutletState(chunk_text);
    if (summary.bytes != static_cast<int64_t>(chunk_text.size())) Fail("a chunk summary has another size", text);
    summaries[chunk] = summary;
    if (!part.ok() || part->records.empty()) Fail("a state chunk does not read back", text);
    for (const nm::ArticleRecord& r : part->records) {
      if (nm::StateChunkOf(r.id) != chunk) Fail("a state chunk holds a record of another chunk", text);
    }
    i += part->records.size();
    from_chunks.insert(from_chunks.end(), part->records.begin(), part->records.end());
  }
  if (!SameRecords(from_chunks, again->records)) Fail("the state chunks do not add up to the records", text);
  auto feed = nm::ParseOutletState(nm::SerializeFeedState(again->validators, summaries));
  if (!feed.ok() || feed->chunks != summaries || !feed->records.empty()) {
    Fail("feed.tsv's chunk summaries do not read back", text);
  }
}

std::string g_root;

std::string MakeRoot() {
  std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string tmpl = dir + "/archive_fuzz.XXXXXX";
  if (!mkdtemp(tmpl.data())) Fail("cannot make a temporary folder", tmpl);
  std::filesystem::create_directories(tmpl + "/articles/o");
  g_root = tmpl;
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(g_root, ec);
  });
  return tmpl;
}

void CheckTakeOver(std::string_view text) {
  static const std::string root = MakeRoot();
  auto doc = nm::ParseArticle(text);
  // The file is named from its own title, as the mirror names it.
  int64_t id = nm::kFirstArticleId - static_cast<int64_t>(text.size() % 7);
  std::string name = nm::ArticleFileName(id, doc.ok() ? doc->title : "");
  if (nm::ArticleIdFromFileName(name) != id) Fail("an article file name does not give back its id", text);
  std::string path = root + "/articles/o/" + name;
  if (!nm::WriteFileAtomic(path, text, /*sync=*/false).ok()) Fail("cannot write the article file", name);

  auto archive = nm::OutletArchive::Load(root, "o");
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!archive.ok()) Fail("a folder with one article file is not taken over", text);
  if (!archive->taken_over() || archive->records().size() != 1) Fail("the take-over lost the file", text);
  const nm::ArticleRecord& r = archive->records()[0];
  if (r.id != id || r.file != name || r.blob != nm::GitBlobId(text)) Fail("the record misnames its file", text);
  if (doc.ok() && (r.published_ms != doc->published_ms || r.title != doc->title || r.link != doc->link)) {
    Fail("the record differs from the file's header", text);
  }
  if (!doc.ok() && (r.published_ms != 0 || !r.title.empty() || !r.link.empty())) {
    Fail("an unreadable header left a record with values", text);
  }
  bool state_written = false;
  std::string chunk_path = nm::layout::OutletStateChunkPath("o", nm::StateChunkOf(id));
  for (const nm::PlannedWrite& w : archive->TakeWrites(nm::ArchiveOptions{})) {
    if (w.path != chunk_path) continue;
    state_written = true;
    auto state = nm::ParseOutletState(w.data);
    if (!state.ok() || !SameRecords(state->records, archive->records())) {
      Fail("the state written after a take-over does not read back", text);
    }
  }
  if (!state_written) Fail("a take-over wrote no state chunk for its article", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckArticle(text);
  CheckState(text);
  CheckTakeOver(text);
  return 0;
}
