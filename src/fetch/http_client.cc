#include "fetch/http_client.h"

#include "fetch/address_policy.h"
#include "util/text.h"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace nm {
namespace {

using Clock = std::chrono::steady_clock;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// The proxy libcurl uses for `url` unless no_proxy exempts it ("" = none):
// the configured one, else the scheme's variable, else all_proxy.
std::string ProxyFor(const std::string& url, const FetchOptions& options) {
  if (!options.proxy.empty()) return options.proxy;
  std::string lower = AsciiLower(url.substr(0, 8));
  const char* v = nullptr;
  if (lower.rfind("https://", 0) == 0) v = Env("https_proxy") ? Env("https_proxy") : Env("HTTPS_PROXY");
  else if (lower.rfind("http://", 0) == 0) v = Env("http_proxy");
  if (!v) v = Env("all_proxy") ? Env("all_proxy") : Env("ALL_PROXY");
  return v ? v : "";
}

// socks4:// and socks5:// leave name resolution to the client (libcurl), so
// the address a name stands for never reaches a socket of ours.
bool ResolvesLocally(const std::string& proxy) {
  std::string p = AsciiLower(proxy);
  return p.rfind("socks4://", 0) == 0 || p.rfind("socks5://", 0) == 0;
}

// Every address `url`'s host resolves to (by `pins`, else the system's
// resolver), each checked; "host:port:addr,…" for CURLOPT_RESOLVE, so that
// libcurl uses exactly the addresses checked ("" for an address literal).
Result<std::string> ResolveChecked(const std::string& url, const std::vector<std::string>& pins) {
  CURLU* u = curl_url();
  curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
  char* host = nullptr;
  char* port = nullptr;
  curl_url_get(u, CURLUPART_HOST, &host, 0);
  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  std::string name = host ? host : "";
  std::string service = port ? port : "";
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  in_addr literal{};
  if (name.empty() || name.front() == '[' || inet_aton(name.c_str(), &literal) == 1) return std::string();

  std::vector<sockaddr_storage> addresses;
  std::string prefix = name + ":" + service + ":";
  for (const std::string& pin : pins) {
    if (pin.rfind(prefix, 0) != 0) continue;
    std::string list = pin.substr(prefix.size());
    for (size_t start = 0; start <= list.size();) {
      size_t comma = list.find(',', start);
      std::string text = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (text.size() > 2 && text.front() == '[') text = text.substr(1, text.size() - 2);
      sockaddr_storage a{};
      if (inet_pton(AF_INET, text.c_str(), &reinterpret_cast<sockaddr_in*>(&a)->sin_addr) == 1) {
        a.ss_family = AF_INET;
      } else if (inet_pton(AF_INET6, text.c_str(), &reinterpret_cast<sockaddr_in6*>(&a)->sin6_addr) == 1) {
        a.ss_family = AF_INET6;
      }
      addresses.push_back(a);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    break;
  }
  if (addresses.empty()) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
      return Status::NetworkError("cannot fetch " + url + ": cannot resolve " + name + " (" + gai_strerror(rc) + ")");
    }
    for (addrinfo* a = found; a; a = a->ai_next) {
      sockaddr_storage copy{};
      std::memcpy(&copy, a->ai_addr, std::min<size_t>(a->ai_addrlen, sizeof copy));
      addresses.push_back(copy);
    }
    freeaddrinfo(found);
  }
  std::string pin = prefix;
  for (size_t k = 0; k < addresses.size(); ++k) {
    const auto* a = reinterpret_cast<const sockaddr*>(&addresses[k]);
    char text[INET6_ADDRSTRLEN] = "?";
    if (a->sa_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, text, sizeof text);
    if (a->sa_family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, text, sizeof text);
    if (std::string rule = NonPublicAddressRule(a); !rule.empty()) {
      return Status::InvalidArgument(name + " resolves to " + text + ", " + rule);  // the reason alone
    }
    pin += (k ? "," : "") + (a->sa_family == AF_INET6 ? "[" + std::string(text) + "]" : std::string(text));
  }
  return pin;
}

// "address port" of each proxy libcurl may connect to: a connection there is
// the proxy's, not the request's, and passes the address check.
std::set<std::string> ProxyEndpoints(const FetchOptions& options) {
  std::vector<std::string> proxies;
  if (!options.proxy.empty()) {
    proxies.push_back(options.proxy);
  } else {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
      if (const char* v = Env(name)) proxies.push_back(v);
    }
  }
  std::set<std::string> out;
  for (std::string proxy : proxies) {
    if (proxy.find("://") == std::string::npos) proxy = "http://" + proxy;
    CURLU* u = curl_url();
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_set(u, CURLUPART_URL, proxy.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
      curl_url_get(u, CURLUPART_HOST, &host, 0);
      curl_url_get(u, CURLUPART_PORT, &port, 0);
    }
    std::string name = host ? host : "";
    // libcurl's default proxy port, 443 for an HTTPS proxy.
    std::string service = port ? port : AsciiLower(proxy).rfind("https://", 0) == 0 ? "443" : "1080";
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    if (name.size() > 2 && name.front() == '[') name = name.substr(1, name.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (name.empty() || getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) continue;
    for (addrinfo* a = found; a; a = a->ai_next) {
      char text[NI_MAXHOST] = "";
      getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
      out.insert(std::string(text) + " " + service);
    }
    freeaddrinfo(found);
  }
  return out;
}

struct Transfer {
  size_t index = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  std::string body;
  int64_t max_bytes = 0;
  bool too_large = false;
  bool checked = false;  // connections must be to public addresses (or a proxy)
  const std::set<std::string>* proxy_endpoints = nullptr;
  bool opened = false;     // a connection was opened for this transfer
  bool connected = false;  // a connection (new or reused) was about to carry the request
  std::string refused;     // set when a connection was refused: "127.0.0.1, a loopback address"
  char error[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
  }

  // Ok for a public address and for a proxy's; otherwise notes why not.
  bool Allows(const std::string& ip, int port, const std::string& rule) {
    if (!checked || rule.empty() || proxy_endpoints->count(ip + " " + std::to_string(port))) return true;
    refused = ip + ", " + rule;
    return false;
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
  if (t->body.empty()) {
    // A body of known length gets one buffer of that size, not a string
    // that grows by copying itself (a compressed one grows from there).
    curl_off_t length = -1;
    if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0 &&
        length <= t->max_bytes) {
      t->body.reserve(static_cast<size_t>(length));
    }
  }
  t->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  // A new status line starts a new response (after a 1xx); only the last
  // response's body is kept.
  if (len >= 5 && std::memcmp(data, "HTTP/", 5) == 0) t->body.clear();
  return len;
}

// Checks every address libcurl is about to connect to (each one a name
// resolves to) before the socket exists.
curl_socket_t OpenCheckedSocket(void* user, curlsocktype, struct curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  t->opened = true;
  char text[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  if (!t->Allows(text, port, NonPublicAddressRule(&address->addr))) return CURL_SOCKET_BAD;
  return socket(address->family, address->socktype, address->protocol);
}

// Checks the connection a request is about to be sent on, new or reused: a
// connection opened for another request (one allowed to reach that address)
// must not carry this one there.
int CheckConnection(void* user, char* primary_ip, char*, int primary_port, int) {
  auto* t = static_cast<Transfer*>(user);
  t->connected = true;
  std::string ip = primary_ip ? primary_ip : "";
  sockaddr_storage address{};
  auto* in = reinterpret_cast<sockaddr_in*>(&address);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
  }
  std::string rule = NonPublicAddressRule(reinterpret_cast<const sockaddr*>(&address));
  return t->Allows(ip, primary_port, rule) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
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

bool IsRedirect(long code) { return code >= 300 && code < 400 && code != 304; }

class Fetcher {
 public:
  Fetcher(const std::vector<FetchRequest>& requests, const FetchOptions& options,
          const FetchProgress& progress)
      : requests_(requests),
        options_(options),
        progress_(progress),
        results_(requests.size()),
        states_(requests.size()),
        user_agent_(options.user_agent.empty() ? DefaultUserAgent() : options.user_agent),
        proxy_endpoints_(ProxyEndpoints(options)) {
    multi_ = curl_multi_init();
    // The queue below already keeps one request per host at a time (each
    // redirect hop queued under its own host); this is a backstop.
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(Jobs()));
    for (size_t i = 0; i < requests.size(); ++i) {
      if (Status entered = Enter(i, requests[i].url, ""); !entered.ok()) {
        unusable_.emplace_back(i, entered);
        continue;
      }
      State& s = states_[i];
      s.first = s.hop;
      waiting_.push_back(i);
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
  // One hop of a request: its first URL or a redirect's.
  struct Hop {
    std::string url;
    std::string host;         // queue key: "scheme://host:port", "" for file:
    bool checked = true;      // connections are checked (not the trusted origin, not allow_non_public)
    std::string pin;          // CURLOPT_RESOLVE entry for a proxy that leaves names to us
  };
  struct State {
    Hop hop;
    Hop first;                // where a retry starts again
    int redirects = 0;
    long spent_ms = 0;        // on the wire in this attempt, by the hops before this one
    bool fresh = false;       // the next start opens a connection of its own
    int attempts = 0;
    Clock::time_point ready{};  // a retry may not start before this
    Clock::time_point first_start{};
  };

  // Makes `url` request i's next hop once the address policy allows it; the
  // one place every URL a request fetches passes. `from` is the hop that
  // redirected here ("" for the request's own URL).
  Status Enter(size_t i, const std::string& url, const std::string& from) {
    const FetchRequest& req = requests_[i];
    auto refuse = [&](const std::string& why) {
      if (from.empty()) return Status::InvalidArgument("refused to fetch " + url + ": " + why);
      return Status::InvalidArgument("refused the redirect from " + from + " to " + url + ": " + why);
    };
    if (std::string why = RefusalReason(url, req.trusted_origin, options_.allow_non_public); !why.empty()) {
      return refuse(why);
    }
    Result<std::string> origin = OriginOf(url);
    if (!origin.ok()) return origin.status();
    Hop hop;
    hop.url = url;
    hop.host = *origin;
    hop.checked = !options_.allow_non_public && !IsTrustedOrigin(url, req.trusted_origin) && !hop.host.empty();
    if (hop.checked && ResolvesLocally(ProxyFor(url, options_))) {
      Result<std::string> pin = ResolveChecked(url, options_.resolve);
      if (!pin.ok() && pin.status().kind() == Status::Kind::kInvalidArgument) return refuse(pin.status().message());
      if (!pin.ok()) return pin.status();
      hop.pin = *pin;
    }
    states_[i].hop = std::move(hop);
    return Status::Ok();
  }

  bool HostResting(const std::string& host, Clock::time_point now) const {
    auto it = host_free_at_.find(host);
    return it != host_free_at_.end() && it->second > now;
  }

  size_t Jobs() const { return static_cast<size_t>(std::max(1, options_.jobs)); }

  void StartReady() {
    Clock::time_point now = Clock::now();
    for (auto it = waiting_.begin(); it != waiting_.end() && active_.size() < Jobs();) {
      State& s = states_[*it];
      const std::string& host = s.hop.host;
      if (s.ready > now || (!host.empty() && (busy_hosts_.count(host) || HostResting(host, now)))) {
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
      if (!s.hop.host.empty() && busy_hosts_.count(s.hop.host)) continue;
      if (active_.size() >= Jobs()) break;
      Clock::time_point due = s.ready;
      if (auto rest = host_free_at_.find(s.hop.host); rest != host_free_at_.end()) due = std::max(due, rest->second);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
      wait = std::min<long>(wait, std::max<long>(ms + 1, 0));
    }
    return static_cast<int>(wait);
  }

  void Start(size_t i) {
    const FetchRequest& req = requests_[i];
    State& s = states_[i];
    if (s.attempts == 0) s.first_start = Clock::now();
    if (s.redirects == 0 && !s.fresh) s.attempts++;

    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->max_bytes = options_.max_bytes;
    t->checked = s.hop.checked;
    t->proxy_endpoints = &proxy_endpoints_;
    CURL* e = curl_easy_init();
    t->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, s.hop.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // Enter allowed file: only for the trusted URL itself.
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, s.hop.host.empty() ? "file" : "http,https");
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, OpenCheckedSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, CheckConnection);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, t.get());
    for (const std::string& entry : options_.resolve) t->resolve = curl_slist_append(t->resolve, entry.c_str());
    if (!s.hop.pin.empty()) t->resolve = curl_slist_append(t->resolve, s.hop.pin.c_str());
    if (t->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve);
    // Redirects are followed by Finish, hop by hop, each through Enter.
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    if (s.fresh) curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    // A 304 has no body by rule; a server that sends one anyway would leave
    // it on the connection for the next request (another source's) to read.
    if (!req.etag.empty() || !req.last_modified.empty()) curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, std::max(1L, options_.timeout_ms - s.spent_ms));
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

    if (!s.hop.host.empty()) busy_hosts_.insert(s.hop.host);
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
      const std::string& host = states_[t->index].hop.host;
      if (!host.empty()) {
        busy_hosts_.erase(host);
        if (options_.host_spacing_ms > 0) {
          host_free_at_[host] = Clock::now() + std::chrono::milliseconds(options_.host_spacing_ms);
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
    r.effective_url = effective ? effective : s.hop.url;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.http_code);
    bool is_file = s.hop.host.empty();
    if (is_file) r.http_code = 0;

    std::string where = req.url;
    if (r.effective_url != req.url) where += " (redirected to " + r.effective_url + ")";
    std::string after = s.attempts > 1 ? " after " + std::to_string(s.attempts) + " attempts" : "";

    if (!t.refused.empty()) {
      r.http_code = 0;
      r.status = Status::InvalidArgument("refused to fetch " + where + ": it connects to " + t.refused);
      Done(i);
      return;
    }
    // An error page that overflows the cap is still reported (and retried) as
    // the HTTP error it is.
    if (t.too_large && r.http_code >= 400) code = CURLE_OK;
    if (t.too_large && r.http_code < 400) {
      r.status = Status::TooLarge(where + ": body larger than the cap of " +
                                  std::to_string(options_.max_bytes) + " bytes");
      Done(i);
      return;
    }
    if (code != CURLE_OK) {
      // A connection kept from an earlier answer may still hold that answer's
      // stray bytes (a body after a 304, more than its Content-Length): its
      // failure is not this request's. Once more, on a connection of its own.
      if (t.connected && !t.opened && !is_file && !s.fresh) {
        s.fresh = true;
        s.ready = Clock::now();
        waiting_.push_front(i);
        return;
      }
      if (RetryableCurlError(code) && ScheduleRetry(i, 0)) return;
      std::string detail = t.error[0] ? t.error : curl_easy_strerror(code);
      r.http_code = 0;  // whatever arrived (a redirect, a cut-short 200) is not an answer
      if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
        r.status = Status::InvalidArgument("cannot fetch " + where + ": " + detail);
      } else if (code == CURLE_FILE_COULDNT_READ_FILE) {
        r.status = Status::NotFound("cannot read " + req.url + ": " + detail);
      } else {
        r.status = Status::NetworkError("cannot fetch " + where + ": " + detail + after);
      }
      Done(i);
      return;
    }
    s.fresh = false;

    long http = r.http_code;
    char* location = nullptr;
    if (!is_file && IsRedirect(http) &&
        curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
      std::string next = location;
      r.http_code = 0;
      if (s.redirects >= options_.max_redirects) {
        r.status = Status::NetworkError("too many redirects (more than " + std::to_string(options_.max_redirects) +
                                        ") from " + where + "; is it a redirect loop?");
        Done(i);
        return;
      }
      std::string from = s.hop.url;
      if (Status entered = Enter(i, next, from); !entered.ok()) {
        r.status = entered;
        Done(i);
        return;
      }
      curl_off_t hop_us = 0;
      curl_easy_getinfo(t.easy, CURLINFO_TOTAL_TIME_T, &hop_us);
      s.spent_ms += static_cast<long>(hop_us / 1000);
      s.redirects++;
      s.ready = Clock::now();
      waiting_.push_front(i);
      return;
    }

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

  // Puts request i back in the queue, from its first URL; false when its
  // attempts are used up.
  bool ScheduleRetry(size_t i, long retry_after_ms) {
    State& s = states_[i];
    if (s.attempts > options_.retries) return false;
    long delay = retry_after_ms;
    if (delay <= 0) {
      int shift = std::min(s.attempts - 1, 20);
      delay = options_.retry_base_delay_ms * (1L << shift);
    }
    s.hop = s.first;
    s.redirects = 0;
    s.spent_ms = 0;
    s.fresh = false;
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
  std::set<std::string> proxy_endpoints_;  // "address port"
  CURLM* multi_ = nullptr;
  std::deque<size_t> waiting_;  // in request order, then retries; redirects and fresh starts first
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
