#include "pipeline/unchanged_feed.h"

#include <openssl/evp.h>

#include <memory>

#include "pipeline/run.h"

#ifndef NEWSMIRROR_VERSION
#define NEWSMIRROR_VERSION "dev"
#endif

namespace nm {

namespace {
// Bumped when what a fingerprint covers changes.
constexpr std::string_view kFingerprintFormat = "newsmirror unchanged-feed 1\n";
}  // namespace

std::string UnchangedFeedFingerprint(std::string_view body, const FeedReading& reading) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  auto add = [&](std::string_view part) {
    // Each part with its length first, so no two readings hash alike.
    std::string length = std::to_string(part.size()) + ":";
    EVP_DigestUpdate(ctx.get(), length.data(), length.size());
    EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  };
  add(kFingerprintFormat);
  add(NEWSMIRROR_VERSION);
  add(reading.configured_url);
  add(reading.effective_url);
  add(reading.content_type);
  add(reading.content_location);
  add(std::to_string(reading.date_zone_minutes));
  add(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

bool LeavesNothingToRetry(const SourceReport& source) {
  // A quarantined entry, even one whose attempts are used up, keeps the feed
  // read every run: each run names it to the operator until it changes or
  // leaves the feed.
  return !source.retries_pending && source.quarantined.empty();
}

}  // namespace nm
