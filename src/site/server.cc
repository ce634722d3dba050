#include "site/server.h"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "search/search_index.h"
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

class Server : public ReaderServer {
 public:
  explicit Server(ServeOptions options) : options_(std::move(options)) {}
  ~Server() override { Stop(); }

  Status Init() {
    if (Status s = Refresh(true); !s.ok()) return s;
    auto index = OpenMirrorIndex(options_.archive);
    if (!index.ok()) return index.status();
    index_ = std::make_unique<SearchIndex>(std::move(index).value());
    http_.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = options_.port == 0 ? http_.bind_to_any_port(options_.bind)
                               : (http_.bind_to_port(options_.bind, options_.port) ? options_.port : -1);
    if (port_ < 0) {
      return Status::IoError("cannot listen on " + options_.bind + ":" + std::to_string(options_.port) +
                             " (in use, or not an address of this machine)");
    }
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    return Status::Ok();
  }

  int port() const override { return port_; }
  void Wait() override {
    if (thread_.joinable()) thread_.join();
  }
  void Stop() override {
    Shutdown();
    Wait();
  }
  void Shutdown() override { http_.stop(); }

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

  void Handle(const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    if (Status s = Refresh(false); !s.ok()) {
      res.status = 500;
      res.set_content("newsmirror: " + s.message() + "\n", "text/plain; charset=utf-8");
      return;
    }
    std::shared_ptr<Snapshot> snap;
    {
      std::lock_guard<std::mutex> lock(mu_);
      snap = snapshot_;
    }
    std::string path = req.path.empty() ? "/" : req.path;
    if (path.back() == '/') path += "index.html";
    path.erase(0, 1);
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos) {
      res.status = 404;
      return;
    }
    std::optional<std::string> body;
    if (path == "search.html") {
      std::string q = req.get_param_value("q");
      std::vector<SearchHit> hits;
      if (!q.empty()) {
        SearchQuery query;
        query.text = q;
        query.limit = 100;
        std::lock_guard<std::mutex> ilock(index_mu_);
        auto found = index_->Search(query);
        if (found.ok()) hits = std::move(found).value();
      }
      body = snap->pages->RenderSearch(q, &hits);
    } else {
      body = snap->pages->Render(path);
    }
    if (!body) {
      res.status = 404;
      res.set_content("404: no such page in this mirror\n", "text/plain; charset=utf-8");
      return;
    }
    res.set_content(std::move(*body), SiteContentType(path));
  }

  ServeOptions options_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::shared_ptr<Snapshot> snapshot_;
  std::string stamp_;
  std::chrono::steady_clock::time_point checked_;
  std::mutex index_mu_;
  std::unique_ptr<SearchIndex> index_;
};

}  // namespace

Result<std::unique_ptr<ReaderServer>> ReaderServer::Start(const ServeOptions& options) {
  auto server = std::make_unique<Server>(options);
  if (Status s = server->Init(); !s.ok()) return s;
  return std::unique_ptr<ReaderServer>(std::move(server));
}

}  // namespace nm
