#include "complete/local_images.h"

#include <map>
#include <set>

#include "complete/image_fit.h"
#include "html/escape.h"
#include "html/image_rewrite.h"
#include "layout/layout.h"
#include "publish/checkout.h"
#include "url/url.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {
namespace {


// The extension for an image Content-Type, or "" when the type is not one the
// archive keeps. SVG is left out on purpose: it can carry script.
std::string ExtensionFor(std::string_view content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c != ' ' && c != '\t') type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::map<std::string, std::string> kTypes = {
      {"image/jpeg", "jpg"}, {"image/jpg", "jpg"}, {"image/pjpeg", "jpg"}, {"image/png", "png"},
      {"image/gif", "gif"},  {"image/webp", "webp"}, {"image/avif", "avif"},
  };
  auto it = kTypes.find(type);
  return it == kTypes.end() ? std::string() : it->second;
}

// What one outlet's documents are looked at with.
struct OutletView {
  std::string encoded_outlet;
  std::map<std::string, std::string> proxied_to_original;  // from the pending retries
};

std::string Key(const std::string& url) { return NormalizeUrl(url).value_or(url); }

bool IsLocal(const std::string& absolute, const OutletView& view, const std::string& base_url) {
  std::optional<std::string> prefix = ResolveUrl(base_url, "../../" + layout::AssetDir(view.encoded_outlet) + "/");
  return prefix && absolute.rfind(*prefix, 0) == 0;
}

// The image's own URL: a proxied URL written for a failed download maps back.
std::string Original(const std::string& absolute, const OutletView& view) {
  auto it = view.proxied_to_original.find(Key(absolute));
  return it == view.proxied_to_original.end() ? absolute : it->second;
}

struct Download {
  std::string url;
  std::string referer;
  std::vector<std::pair<size_t, std::string>> wanted_by;  // (outlet index, article link)
  std::string trusted_origin;  // the outlet's feed: only its exact origin may be non-public
};

}  // namespace

std::vector<PlannedWrite> StoreImages(std::vector<OutletImages>& outlets, const ImageStoreOptions& options) {
  std::vector<OutletView> views(outlets.size());
  for (size_t o = 0; o < outlets.size(); ++o) {
    views[o].encoded_outlet = EncodeUriComponent(outlets[o].outlet);
    for (const auto& [key, attempts] : outlets[o].state->retries) {
      views[o].proxied_to_original[Key(ProxyImageUrl(key.first, options.proxy_template))] = key.first;
    }
  }

  // Which images are missing, and for which articles.
  std::vector<Download> downloads;
  std::map<std::pair<size_t, std::string>, size_t> download_index;  // (outlet, url) → downloads[i]
  for (size_t o = 0; o < outlets.size(); ++o) {
    OutletImages& out = outlets[o];
    for (const ImageDocument& doc : out.documents) {
      MapImageUrls(
          *doc.html,
          [&](const std::string& absolute) -> std::optional<std::string> {
            if (IsLocal(absolute, views[o], doc.base_url)) return std::nullopt;
            std::string url = Original(absolute, views[o]);
            if (UrlHost(url) == UrlHost(options.proxy_template) && !options.proxy_template.empty()) return std::nullopt;
            if (out.state->images.count(url)) return std::nullopt;
            auto [it, inserted] = download_index.emplace(std::make_pair(o, url), downloads.size());
            if (inserted) downloads.push_back({url, doc.base_url, {}, out.feed_url});
            downloads[it->second].wanted_by.emplace_back(o, doc.base_url);
            return std::nullopt;
          },
          doc.base_url);
    }
  }

  std::vector<FetchRequest> requests;
  for (const Download& d : downloads) {
    FetchRequest r;
    r.url = d.url;
    r.referer = d.referer;  // publishers that check hotlinking accept their own article
    r.trusted_origin = d.trusted_origin;
    r.headers["Accept"] = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1";
    requests.push_back(std::move(r));
  }
  FetchOptions fetch = options.fetch;
  fetch.max_bytes = options.max_bytes;
  std::vector<FetchResponse> responses;
  if (!requests.empty()) responses = FetchAll(requests, fetch);

  std::vector<PlannedWrite> writes;
  std::set<std::string> planned;
  for (size_t i = 0; i < downloads.size(); ++i) {
    const Download& d = downloads[i];
    const FetchResponse& resp = responses[i];
    size_t o = d.wanted_by.front().first;
    OutletImages& out = outlets[o];
    std::string why;
    std::string ext = ExtensionFor(resp.content_type);
    if (!resp.status.ok()) {
      why = resp.status.message();
    } else if (ext.empty()) {
      why = "not an image (Content-Type \"" + resp.content_type + "\")";
    } else if (resp.body.empty()) {
      why = "empty body";
    }
    Result<FittedImage> fitted = Status::Internal("not fitted");
    if (why.empty()) {
      fitted = FitImage(resp.body, ext, options.fit);
      if (!fitted.ok()) why = "refused: " + fitted.status().message();
    }
    if (!why.empty()) {
      ++out.failed;
      bool gave_up = false;
      for (const auto& [outlet, link] : d.wanted_by) {
        int& attempts = out.state->retries[{d.url, link}];
        if (++attempts >= kMaxImageAttempts) {
          out.state->retries.erase({d.url, link});
          gave_up = true;
        }
      }
      if (out.warnings) {
        std::string articles = d.wanted_by.front().second;
        if (d.wanted_by.size() > 1) articles += " and " + std::to_string(d.wanted_by.size() - 1) + " more";
        out.warnings->push_back("image " + d.url + " (article " + articles + "): " + why +
                                (gave_up ? "; given up after " + std::to_string(kMaxImageAttempts) + " attempts"
                                         : "; served through the proxy, tried again next run"));
      }
      continue;
    }
    // The stored bytes decide the name, so two URLs of the same picture
    // share a file (fitting is deterministic).
    std::string file = GitBlobId(fitted->bytes) + "." + fitted->ext;
    std::string path = layout::AssetPath(out.outlet, file);
    // Stored before: in the work tree, or in HEAD's tree when a sparse
    // checkout leaves assets/ out.
    if (!TrackedFileExists(options.root, path) && planned.insert(path).second) {
      writes.push_back({path, std::move(fitted->bytes)});
    }
    out.state->images[d.url] = file;
    for (auto it = out.state->retries.begin(); it != out.state->retries.end();) {
      it = it->first.first == d.url ? out.state->retries.erase(it) : std::next(it);
    }
    ++out.stored;
  }

  // Every image now has its local copy or, failing that, the proxy.
  for (size_t o = 0; o < outlets.size(); ++o) {
    OutletImages& out = outlets[o];
    auto local = [&](const std::string& url) -> std::optional<std::string> {
      auto it = out.state->images.find(url);
      if (it == out.state->images.end()) return std::nullopt;
      return "../../" + layout::AssetPath(views[o].encoded_outlet, it->second);
    };
    for (ImageDocument& doc : out.documents) {
      auto map = [&](const std::string& absolute) -> std::optional<std::string> {
        if (IsLocal(absolute, views[o], doc.base_url)) return std::nullopt;
        std::string url = Original(absolute, views[o]);
        if (std::optional<std::string> path = local(url)) return path;
        return ProxyImageUrl(url, options.proxy_template);
      };
      ImageAttributesFor extra = nullptr;
      if (out.mode == ImageMode::kBoth && !options.proxy_template.empty()) {
        extra = [&](const std::string& absolute) -> std::string {
          if (IsLocal(absolute, views[o], doc.base_url)) return {};
          std::string url = Original(absolute, views[o]);
          if (!local(url)) return {};
          std::string attribute = "data-proxy-src=\"";
          AppendHtmlEscaped(attribute, ProxyImageUrl(url, options.proxy_template), /*attribute=*/true);
          return attribute + "\"";
        };
      }
      *doc.html = MapImageUrls(*doc.html, map, doc.base_url, extra);
    }
  }
  return writes;
}

}  // namespace nm
