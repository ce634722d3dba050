#include "mail/smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace nm {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

bool IsServerFailure(CURLcode code, const char* error) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return true;
    default:
      // libcurl says which command the server refused: the sender is the
      // server's business, a recipient or the message may be the recipient's.
      return std::strncmp(error, "MAIL failed", 11) == 0;
  }
}

}  // namespace

SmtpClient::SmtpClient(SmtpOptions options) : options_(std::move(options)) {
  GlobalInit();
  curl_ = curl_easy_init();
}

SmtpClient::~SmtpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

SmtpOutcome SmtpClient::Send(const std::string& from, const std::string& to, const std::string& message) {
  SmtpOutcome out;
  CURL* e = static_cast<CURL*>(curl_);
  if (!e) {
    out.status = Status::Internal("cannot start libcurl for " + options_.server);
    out.server_failed = true;
    return out;
  }
  // The options are set again for every message; the connection stays.
  curl_easy_reset(e);
  char error[CURL_ERROR_SIZE] = {0};
  Upload up{&message};
  std::string mail_from = "<" + from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  curl_easy_setopt(e, CURLOPT_URL, options_.server.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.user.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(e, CURLOPT_READDATA, &up);
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out.reply);
  curl_slist_free_all(rcpt);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_OK) return out;
  std::string why = error[0] ? error : curl_easy_strerror(code);
  while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
  std::string reply = out.reply ? " (SMTP reply " + std::to_string(out.reply) + ")" : "";
  out.status = Status::NetworkError("SMTP server " + options_.server + ": " + why + reply);
  out.server_failed = IsServerFailure(code, error);
  return out;
}

}  // namespace nm
