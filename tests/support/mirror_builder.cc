#include "support/mirror_builder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "archive/outlet_archive.h"
#include "util/fs.h"

namespace nm {

void AddToMirror(const std::string& root, const std::string& outlet, const std::vector<TestArticle>& articles) {
  auto archive = OutletArchive::Load(root, outlet);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  std::vector<Entry> entries;
  for (const TestArticle& a : articles) {
    Entry e;
    e.id = a.guid;
    e.title = a.title;
    e.link = "https://news.example/" + a.guid;
    e.published = Date{"", a.published_ms};
    e.content = a.content;
    entries.push_back(std::move(e));
  }
  ArchiveOptions options;
  options.image_proxy = "";
  archive->Merge(entries, 1700000000000, options);
  for (const PlannedWrite& w : archive->TakeWrites(options)) {
    std::string path = root + "/" + w.path;
    ASSERT_TRUE(MakeDirs(std::filesystem::path(path).parent_path().string()).ok());
    ASSERT_TRUE(WriteFileAtomic(path, w.data, false).ok());
  }
}

}  // namespace nm
