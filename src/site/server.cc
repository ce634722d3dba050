#include "site/server.h"

#include <chrono>
#include <filesystem>
#include <mutex>

#include "complete/local_images.h"
#include "layout/layout.h"
#include "search/search_index.h"
#include "site/http_server.h"
#include "url/url.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

namespace fs = std::filesystem;

namespace {

// What the archive looked like: the state files' names, sizes and times
// (state/ and each outlet's folder in it).
std::string ArchiveStamp(const std::string& root) {
  std::string stamp;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root + "/state", ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 0) it.disable_recursion_pending();
    bool file = it->is_regular_file(ec);
    auto size = file ? it->file_size(ec) : 0;
    auto time = it->last_write_time(ec).time_since_epoch().count();
    stamp += fs::relative(it->path(), root, ec).string() + ":" + std::to_string(size) + ":" + std::to_string(time) + "\n";
  }
  for (fs::directory_iterator it(root + "/articles", ec), end; !ec && it != end; it.increment(ec)) {
    stamp += it->path().filename().string() + ":" + std::to_string(it->last_write_time(ec).time_since_epoch().count()) + "\n";
  }
  return GitBlobId(stamp);
}

struct Snapshot {
  MirrorView view;
  std::unique_ptr<SitePages> pages;
};

HttpResponse NotFound() {
  HttpResponse res;
  res.status = 404;
  res.body = "404: no such page in this mirror\n";
  return res;
}

class Server : public ReaderServer {
 public:
  explicit Server(ServeOptions options) : options_(std::move(options)) {}
  ~Server() override { Stop(); }

  Status Init() {
    if (Status s = CheckIsMirror(options_.archive); !s.ok()) return s;
    if (Status s = Refresh(true); !s.ok()) return s;
    auto index = OpenMirrorIndex(options_.archive);
    if (!index.ok()) return index.status();
    index_ = std::make_unique<SearchIndex>(std::move(index).value());
    HttpServerOptions http;
    http.bind = options_.bind;
    http.port = options_.port;
    http.workers = options_.workers;
    http.max_connections = options_.max_connections;
    http.header_timeout = std::chrono::milliseconds(options_.header_timeout_ms);
    http.idle_timeout = std::chrono::milliseconds(options_.idle_timeout_ms);
    auto server = HttpServer::Start(http, [this](const HttpRequest& req) { return Handle(req); });
    if (!server.ok()) return server.status();
    http_ = std::move(server).value();
    return Status::Ok();
  }

  int port() const override { return http_ ? http_->port() : -1; }
  void Wait() override {
    if (http_) http_->Wait();
  }
  void Stop() override {
    Shutdown();
    Wait();
    http_.reset();  // its workers end before what they read from goes
  }
  void Shutdown() override {
    if (http_) http_->Shutdown();
  }

 private:
  Status Refresh(bool force) {
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!force && now - checked_ < std::chrono::seconds(2)) return Status::Ok();
      checked_ = now;
    }
    std::string stamp = ArchiveStamp(options_.archive);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!force && stamp == stamp_) return Status::Ok();
    }
    auto view = LoadMirror(options_.archive);
    if (!view.ok()) return view.status();
    auto snap = std::make_shared<Snapshot>();
    snap->view = std::move(view).value();
    snap->pages = std::make_unique<SitePages>(snap->view, options_.site);
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = snap;
    stamp_ = stamp;
    if (index_) {
      std::lock_guard<std::mutex> ilock(index_mu_);
      if (Status s = index_->Sync(snap->view); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // images/{outlet}/{file}: the stored image assets/{outlet}/{file} of an
  // outlet of the mirror, read without following a symbolic link.
  HttpResponse Image(const Snapshot& snap, const std::string& path) {
    std::string outlet, file;
    if (!ParseSiteImagePath(path, &outlet, &file) || !snap.view.Find(outlet)) return NotFound();
    auto bytes = ReadFileBelow(options_.archive, layout::AssetPath(outlet, file));
    if (!bytes.ok()) return NotFound();
    HttpResponse res;
    res.content_type = SiteContentType(file);
    res.body = std::move(bytes).value();
    // Named by their content: an image never changes under its name.
    res.headers.emplace_back("Cache-Control", "max-age=31536000, immutable");
    return res;
  }

  HttpResponse Search(const Snapshot& snap, const HttpRequest& req) {
    std::string q = QueryParam(req.query, "q");
    size_t page = 0;
    std::string p = QueryParam(req.query, "page");
    if (!p.empty() && p.size() <= 6 && p.find_first_not_of("0123456789") == std::string::npos && std::stoul(p) > 0) {
      page = std::stoul(p) - 1;
    }
    std::vector<SearchHit> hits;
    int64_t total = 0;
    if (!q.empty()) {
      SearchQuery query;
      query.text = q;
      query.limit = SitePages::kSearchPageSize;
      query.offset = static_cast<int>(page) * SitePages::kSearchPageSize;
      std::lock_guard<std::mutex> ilock(index_mu_);
      auto found = index_->Search(query);
      auto count = index_->Count(query);
      if (found.ok()) hits = std::move(found).value();
      if (count.ok()) total = *count;
    }
    HttpResponse res;
    res.content_type = SiteContentType("search.html");
    res.body = snap.pages->RenderSearch(q, &hits, total, page);
    return res;
  }

  HttpResponse Handle(const HttpRequest& req) {
    HttpResponse res = Route(req);
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    return res;
  }

  HttpResponse Route(const HttpRequest& req) {
    if (Status s = Refresh(false); !s.ok()) {
      HttpResponse res;
      res.status = 500;
      res.body = "newsmirror: " + s.message() + "\n";
      return res;
    }
    std::shared_ptr<Snapshot> snap;
    {
      std::lock_guard<std::mutex> lock(mu_);
      snap = snapshot_;
    }
    std::string path = PercentDecode(req.path);
    if (path.back() == '/') path += "index.html";
    path.erase(0, 1);
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
        path.find('\0') != std::string::npos) {
      return NotFound();
    }
    if (path == "search.html") return Search(*snap, req);
    if (path.rfind("images/", 0) == 0) return Image(*snap, path);
    std::optional<std::string> body = snap->pages->Render(path);
    if (!body) return NotFound();
    HttpResponse res;
    res.content_type = SiteContentType(path);
    res.body = std::move(*body);
    return res;
  }

  ServeOptions options_;
  std::mutex mu_;
  std::shared_ptr<Snapshot> snapshot_;
  std::string stamp_;
  std::chrono::steady_clock::time_point checked_;
  std::mutex index_mu_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<HttpServer> http_;  // last: destroyed first, so no worker outlives the rest
};

}  // namespace

Result<std::unique_ptr<ReaderServer>> ReaderServer::Start(const ServeOptions& options) {
  auto server = std::make_unique<Server>(options);
  if (Status s = server->Init(); !s.ok()) return s;
  return std::unique_ptr<ReaderServer>(std::move(server));
}

}  // namespace nm
