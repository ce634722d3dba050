#include "fetch/http_client.h"

#include "fetch/address_policy.h"
#include "url/url.h"
#include "util/text.h"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <memory>
#include <map>
#include <mutex>
#include <set>

namespace nm {
namespace {

using Clock = std::chrono::steady_clock;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Requests to one "scheme://host:port" run one at a time. Queueing them here
// rather than inside libcurl keeps the transfer timeout from counting the time
// a request spends waiting for its host. file:// has no host and no limit
// (empty key). A URL libcurl cannot parse is reported before any attempt; it
// is never completed by guessing a scheme.
// Whether libcurl may send this URL through a proxy: the configured one, or
// one it reads from the environment (which it also exempts by no_proxy; a
// request that no_proxy exempts is treated as proxied too, so it gets the
// weaker check).
bool ProxyMayApply(const std::string& url, const FetchOptions& options) {
  if (!options.proxy.empty()) return true;
  auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
  };
  if (set("all_proxy") || set("ALL_PROXY")) return true;
  if (url.rfind("https://", 0) == 0) return set("https_proxy") || set("HTTPS_PROXY");
  if (url.rfind("http://", 0) == 0) return set("http_proxy");
  return false;
}

// The URL's host when it is a loopback, private or link-local address
// written as such (or a name for this machine), else "".
std::string NonPublicLiteralHost(const std::string& url) {
  std::string host = UrlHost(url);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string lower = AsciiLower(host);
  if (IsNonPublicIp(host) || lower == "localhost" ||
      (lower.size() > 10 && lower.compare(lower.size() - 10, 10, ".localhost") == 0)) {
    return host;
  }
  return {};
}

Result<std::string> HostKey(const std::string& url) {
  CURLU* u = curl_url();
  CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    curl_url_cleanup(u);
    return Status::InvalidArgument("not a usable URL: \"" + url + "\" (" +
                                   curl_url_strerror(rc) + ")");
  }
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(u, CURLUPART_HOST, &host, 0);
  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  std::string key = std::string(scheme ? scheme : "") + "://" + (host ? host : "") + ":" +
                    (port ? port : "");
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (key.rfind("file:", 0) == 0) key.clear();
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return key;
}

struct Transfer {
  size_t index = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  int64_t max_bytes = 0;
  bool too_large = false;
  std::string refused_address;  // set when the address policy refused a connection
  char error[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  // The cap applies to decoded bytes: libcurl hands over decoded chunks, so a
  // compression bomb is stopped here before its output piles up.
  if (static_cast<int64_t>(t->body.size() + len) > t->max_bytes) {
    t->too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  t->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  // A new status line starts a new response (after a redirect or a 1xx); only
  // the last response's body is kept.
  if (len >= 5 && std::memcmp(data, "HTTP/", 5) == 0) t->body.clear();
  return len;
}

// Checks every address libcurl is about to connect to (each one a name
// resolves to, and after each redirect) before the socket exists.
curl_socket_t OpenCheckedSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (IsNonPublicAddress(&address->addr)) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
    } else if (address->family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
    }
    t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::string LastHeader(CURL* easy, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value) {
    return h->value;
  }
  return "";
}

bool RetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool RetryableHttpStatus(long code) { return code >= 500 || code == 429 || code == 408; }

class Fetcher {
 public:
  Fetcher(const std::vector<FetchRequest>& requests, const FetchOptions& options,
          const FetchProgress& progress)
      : requests_(requests),
        options_(options),
        progress_(progress),
        results_(requests.size()),
        states_(requests.size()),
        user_agent_(options.user_agent.empty() ? DefaultUserAgent() : options.user_agent) {
    multi_ = curl_multi_init();
    // A backstop for redirects that lead to another host: the queue below
    // only knows the first host of each request.
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(Jobs()));
    for (size_t i = 0; i < requests.size(); ++i) {
      const FetchRequest& req = requests[i];
      if ((options_.refuse_non_public || req.public_only) && ProxyMayApply(req.url, options_)) {
        if (std::string host = NonPublicLiteralHost(req.url); !host.empty()) {
          unusable_.emplace_back(i, Status::InvalidArgument("refused to fetch " + req.url + ": " + host +
                                                            " is a loopback, private or link-local address"));
          continue;
        }
      }
      Result<std::string> host = HostKey(requests[i].url);
      if (host.ok()) {
        states_[i].host = *host;
        waiting_.push_back(i);
      } else {
        unusable_.emplace_back(i, host.status());
      }
    }
  }

  ~Fetcher() {
    for (auto& [easy, t] : active_) curl_multi_remove_handle(multi_, easy);
    active_.clear();
    curl_multi_cleanup(multi_);
  }

  std::vector<FetchResponse> Run() {
    for (auto& [i, status] : unusable_) {
      results_[i].status = status;
      results_[i].effective_url = requests_[i].url;
      states_[i].first_start = Clock::now();
      Done(i);
    }
    while (finished_ < requests_.size()) {
      StartReady();
      int running = 0;
      curl_multi_perform(multi_, &running);
      CollectFinished();
      if (finished_ == requests_.size()) break;
      StartReady();
      curl_multi_poll(multi_, nullptr, 0, WaitMs(), nullptr);
    }
    return std::move(results_);
  }

 private:
  struct State {
    std::string host;
    int attempts = 0;
    Clock::time_point ready{};  // a retry may not start before this
    Clock::time_point first_start{};
  };

  bool HostResting(const std::string& host, Clock::time_point now) const {
    auto it = host_free_at_.find(host);
    return it != host_free_at_.end() && it->second > now;
  }

  size_t Jobs() const { return static_cast<size_t>(std::max(1, options_.jobs)); }

  void StartReady() {
    Clock::time_point now = Clock::now();
    for (auto it = waiting_.begin(); it != waiting_.end() && active_.size() < Jobs();) {
      State& s = states_[*it];
      if (s.ready > now || (!s.host.empty() && (busy_hosts_.count(s.host) || HostResting(s.host, now)))) {
        ++it;
        continue;
      }
      Start(*it);
      it = waiting_.erase(it);
    }
  }

  // How long the loop may sleep: until the next retry is due, at most 1 s
  // (libcurl shortens the wait itself for its own timers and sockets).
  int WaitMs() const {
    long wait = 1000;
    Clock::time_point now = Clock::now();
    for (size_t i : waiting_) {
      const State& s = states_[i];
      if (!s.host.empty() && busy_hosts_.count(s.host)) continue;
      if (active_.size() >= Jobs()) break;
      Clock::time_point due = s.ready;
      if (auto rest = host_free_at_.find(s.host); rest != host_free_at_.end()) due = std::max(due, rest->second);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
      wait = std::min<long>(wait, std::max<long>(ms + 1, 0));
    }
    return static_cast<int>(wait);
  }

  void Start(size_t i) {
    const FetchRequest& req = requests_[i];
    State& s = states_[i];
    if (s.attempts == 0) s.first_start = Clock::now();
    s.attempts++;

    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->max_bytes = options_.max_bytes;
    CURL* e = curl_easy_init();
    t->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    bool refuse = options_.refuse_non_public || req.public_only;
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, refuse ? "http,https" : "http,https,file");
    if (refuse && !ProxyMayApply(req.url, options_)) {
      curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
      curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    }
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    if (options_.low_speed_limit_bytes > 0 && options_.low_speed_time_s > 0) {
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit_bytes);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    }
    // Without an explicit proxy libcurl reads http_proxy, https_proxy,
    // all_proxy and no_proxy itself.
    if (!options_.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, options_.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent_.c_str());
    if (!req.referer.empty()) curl_easy_setopt(e, CURLOPT_REFERER, req.referer.c_str());
    if (!req.etag.empty()) {
      t->headers = curl_slist_append(t->headers, ("If-None-Match: " + req.etag).c_str());
    }
    if (!req.last_modified.empty()) {
      t->headers =
          curl_slist_append(t->headers, ("If-Modified-Since: " + req.last_modified).c_str());
    }
    for (const auto& [name, value] : req.headers) {
      // "Name;" is libcurl's way to send a header with an empty value.
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      t->headers = curl_slist_append(t->headers, line.c_str());
    }
    if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());

    if (!s.host.empty()) busy_hosts_.insert(s.host);
    curl_multi_add_handle(multi_, e);
    active_.emplace(e, std::move(t));
  }

  void CollectFinished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active_.find(e);
      std::unique_ptr<Transfer> t = std::move(it->second);
      active_.erase(it);
      curl_multi_remove_handle(multi_, e);
      const State& s = states_[t->index];
      if (!s.host.empty()) {
        busy_hosts_.erase(s.host);
        if (options_.host_spacing_ms > 0) {
          host_free_at_[s.host] = Clock::now() + std::chrono::milliseconds(options_.host_spacing_ms);
        }
      }
      Finish(*t, code);
    }
  }

  void Finish(Transfer& t, CURLcode code) {
    size_t i = t.index;
    const FetchRequest& req = requests_[i];
    State& s = states_[i];
    FetchResponse& r = results_[i];
    r = FetchResponse{};
    r.attempts = s.attempts;

    char* effective = nullptr;
    curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
    r.effective_url = effective ? effective : req.url;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.http_code);
    if (r.effective_url.rfind("file:", 0) == 0) r.http_code = 0;

    std::string where = req.url;
    if (r.effective_url != req.url) where += " (redirected to " + r.effective_url + ")";
    std::string after = s.attempts > 1 ? " after " + std::to_string(s.attempts) + " attempts" : "";

    // An error page that overflows the cap is still reported (and retried) as
    // the HTTP error it is.
    if (t.too_large && r.http_code >= 400) code = CURLE_OK;
    if (t.too_large && r.http_code < 400) {
      r.status = Status::TooLarge(where + ": body larger than the cap of " +
                                  std::to_string(options_.max_bytes) + " bytes");
      Done(i);
      return;
    }
    if (!t.refused_address.empty()) {
      r.http_code = 0;
      r.status = Status::InvalidArgument("refused to fetch " + where + ": it leads to " +
                                          t.refused_address +
                                          ", a loopback, private or link-local address");
      Done(i);
      return;
    }
    if (code != CURLE_OK) {
      if (RetryableCurlError(code) && ScheduleRetry(i, 0)) return;
      std::string detail = t.error[0] ? t.error : curl_easy_strerror(code);
      r.http_code = 0;  // whatever arrived (a redirect, a cut-short 200) is not an answer
      if (code == CURLE_TOO_MANY_REDIRECTS) {
        r.status = Status::NetworkError("too many redirects (more than " +
                                        std::to_string(options_.max_redirects) + ") from " +
                                        where + "; is it a redirect loop?");
      } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
        r.status = Status::InvalidArgument("cannot fetch " + where + ": " + detail);
      } else if (code == CURLE_FILE_COULDNT_READ_FILE) {
        r.status = Status::NotFound("cannot read " + req.url + ": " + detail);
      } else {
        r.status = Status::NetworkError("cannot fetch " + where + ": " + detail + after);
      }
      Done(i);
      return;
    }

    long http = r.http_code;
    bool is_file = r.effective_url.rfind("file:", 0) == 0;
    if (is_file || (http >= 200 && http < 300) || http == 304) {
      r.content_type = LastHeader(t.easy, "Content-Type");
      r.content_location = LastHeader(t.easy, "Content-Location");
      r.etag = LastHeader(t.easy, "ETag");
      r.last_modified = LastHeader(t.easy, "Last-Modified");
      if (http == 304) {
        r.not_modified = true;
        // A 304 need not repeat the validators; the ones sent still hold.
        if (r.etag.empty()) r.etag = req.etag;
        if (r.last_modified.empty()) r.last_modified = req.last_modified;
      } else {
        r.body = std::move(t.body);
      }
      Done(i);
      return;
    }

    if (RetryableHttpStatus(http)) {
      curl_off_t retry_after_s = -1;
      curl_easy_getinfo(t.easy, CURLINFO_RETRY_AFTER, &retry_after_s);
      long retry_after_ms = retry_after_s > 0 ? static_cast<long>(retry_after_s) * 1000 : 0;
      if (retry_after_ms > options_.max_retry_after_ms) {
        r.status = Status::HttpError("HTTP " + std::to_string(http) + " from " + where +
                                     "; the server asks to retry after " +
                                     std::to_string(retry_after_s) + " s, more than the " +
                                     std::to_string(options_.max_retry_after_ms / 1000) +
                                     " s allowed" + after);
        Done(i);
        return;
      }
      if (ScheduleRetry(i, retry_after_ms)) return;
    }
    r.status = Status::HttpError("HTTP " + std::to_string(http) + " from " + where + after);
    Done(i);
  }

  // Puts request i back in the queue; false when its attempts are used up.
  bool ScheduleRetry(size_t i, long retry_after_ms) {
    State& s = states_[i];
    if (s.attempts > options_.retries) return false;
    long delay = retry_after_ms;
    if (delay <= 0) {
      int shift = std::min(s.attempts - 1, 20);
      delay = options_.retry_base_delay_ms * (1L << shift);
    }
    s.ready = Clock::now() + std::chrono::milliseconds(delay);
    waiting_.push_back(i);
    return true;
  }

  void Done(size_t i) {
    FetchResponse& r = results_[i];
    if (!r.status.ok()) r.body.clear();
    r.seconds = std::chrono::duration<double>(Clock::now() - states_[i].first_start).count();
    ++finished_;
    if (progress_) progress_(i, r);
  }

  const std::vector<FetchRequest>& requests_;
  const FetchOptions& options_;
  const FetchProgress& progress_;
  std::vector<FetchResponse> results_;
  std::vector<State> states_;
  std::string user_agent_;
  CURLM* multi_ = nullptr;
  std::vector<size_t> waiting_;  // in request order, then retries
  std::map<CURL*, std::unique_ptr<Transfer>> active_;
  std::set<std::string> busy_hosts_;
  std::map<std::string, Clock::time_point> host_free_at_;  // host_spacing_ms
  std::vector<std::pair<size_t, Status>> unusable_;
  size_t finished_ = 0;
};

}  // namespace

std::vector<FetchResponse> FetchAll(const std::vector<FetchRequest>& requests,
                                    const FetchOptions& options,
                                    const FetchProgress& progress) {
  GlobalInit();
  Fetcher fetcher(requests, options, progress);
  return fetcher.Run();
}

FetchResponse Fetch(const FetchRequest& request, const FetchOptions& options) {
  return std::move(FetchAll({request}, options).front());
}

std::string DefaultUserAgent() {
  return "newsmirror/" NEWSMIRROR_VERSION " (+https://github.com/newsmirror/newsmirror)";
}

}  // namespace nm
