// Images stored in the mirror, for readers who cannot reach the outlet's
// image servers or the image proxy.
//
// StoreImages finds the images (<img>/<source> src and srcset) of every
// document, downloads the ones the outlet's CompletionState does not hold yet
// (one FetchAll for all outlets: one connection per host, a pause between
// requests to a host, the article as Referer, a size cap), keeps only answers
// whose Content-Type is a raster image type (JPEG, PNG, GIF, WebP, AVIF),
// fits each to a reader's size and a byte budget (complete/image_fit.h: a
// broken, mistyped or oversized image is refused like a failed download), and
// plans each as assets/{outlet}/{content hash}.{ext}: the same bytes under two
// URLs are one file, and a file already in the mirror is not written again.
// The documents then reference the copy by a path relative to
// articles/{outlet}/ ("../../assets/{outlet}/…"), which works on git hosts and
// in a checkout. An image that failed is served through the proxy for now and
// recorded as a retry for the next run (given up after kMaxImageAttempts).
// ImageMode::kBoth adds data-proxy-src="{proxied URL}" to each stored <img>:
// an event handler could switch to it on error, but the archive allows none,
// so the attribute is for readers and site builders that want the fallback.
#pragma once

#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "complete/completion_state.h"
#include "complete/options.h"
#include "fetch/http_client.h"

namespace nm {

inline constexpr int kMaxImageAttempts = 24;

struct ImageDocument {
  std::string* html;        // rewritten in place
  std::string base_url;     // the article's address: base for relative URLs, and the Referer
};

struct OutletImages {
  std::string outlet;
  ImageMode mode = ImageMode::kLocal;   // kLocal or kBoth
  CompletionState* state = nullptr;
  std::string feed_url;                 // the trusted origin: images elsewhere must be public
                                        // (fetch/address_policy.h)
  std::vector<ImageDocument> documents;
  std::vector<std::string>* warnings = nullptr;
  int stored = 0;                       // images downloaded and kept this run
  int failed = 0;
};

struct ImageStoreOptions {
  std::string root;                     // the mirror, to see which assets exist
  std::string proxy_template;           // fallback for images not stored ("" = the original URL)
  int64_t max_bytes = 5 << 20;          // download cap
  ImageFitOptions fit;                  // what is stored (complete/image_fit.h)
  FetchOptions fetch;                   // transport settings (timeouts, proxy, spacing)
};

// Downloads, rewrites the documents, updates each state; returns the asset files to write.
std::vector<PlannedWrite> StoreImages(std::vector<OutletImages>& outlets, const ImageStoreOptions& options);

}  // namespace nm
