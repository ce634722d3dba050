// What of a mirror the work tree holds, and the rest read from git.
//
// A mirror may be checked out sparsely (a cone-mode sparse checkout, e.g.
// `git sparse-checkout set state lists feeds`) and partially (a blob-less
// clone, `--filter=blob:none`): the work tree then lacks articles/ and
// assets/, and the object store lacks their blobs. These functions let every
// reader treat such a mirror like a full checkout: a tracked file that the
// checkout leaves out is read from the repository — by the blob id the state
// records, or by its path in HEAD's tree — and blobs that a partial clone
// lacks are fetched from its promisor remote (`git fetch`), all blobs of one
// call in one request. A folder that is no git repository, or a full
// checkout, holds everything, and nothing here touches git for it.
//
// Repositories are opened once per process and mirror (libgit2, kept behind a
// lock, so these functions are thread-safe). A sparse checkout that is not in
// cone mode is refused (kInvalidArgument) by CheckoutOf.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace nm {

// The sparse-checkout definition of a work tree (cone mode).
class Checkout {
 public:
  Checkout() = default;  // holds everything
  // Parses .git/info/sparse-checkout in cone mode ("/*", "!/*/", "/A/",
  // "!/A/*/", "/A/B/", …); kInvalidArgument for any other pattern.
  static Result<Checkout> FromPatterns(std::string_view text);

  bool sparse() const { return sparse_; }
  // git keeps the index sparse too (index.sparse): the folders the checkout
  // leaves out are single entries in it.
  bool sparse_index() const { return sparse_index_; }
  void set_sparse_index(bool on) { sparse_index_ = sparse_ && on; }
  // Whether the work tree holds the file at `rel` (relative to the root,
  // '/'-separated). Always true without a sparse checkout.
  bool Holds(std::string_view rel) const;
  // Whether it holds everything under `folder` ("" = the root).
  bool HoldsAll(std::string_view folder) const;

 private:
  bool sparse_ = false;
  bool sparse_index_ = false;
  std::set<std::string, std::less<>> recursive_;  // folders held whole
  std::set<std::string, std::less<>> parents_;    // folders whose own files are held
};

// The checkout of the mirror at `root` (a full one when `root` holds no git
// repository).
Result<Checkout> CheckoutOf(const std::string& root);

// Whether the work tree of the mirror at `root` holds `rel`: true without a
// sparse checkout (and when the definition cannot be read).
bool CheckoutHolds(const std::string& root, std::string_view rel);

// Whether the work tree holds everything under `folder`.
bool CheckoutHoldsAll(const std::string& root, std::string_view folder);

// The bytes of the tracked file `rel` (a path of layout/layout.h): the work
// tree's file, reached without links (util/fs.h's ReadFileBelow); or, when
// the checkout leaves `rel` out, blob `blob` (a hex id the caller knows from
// the state) or, without one, the blob HEAD's tree has at `rel` (never a
// symbolic link's). kNotFound when there is none.
Result<std::string> ReadTrackedFile(const std::string& root, const std::string& rel, const std::string& blob = "");

// Whether the file `rel` exists: a regular file in the work tree reached
// without links (a link or a folder in its place is none), or — when the
// checkout leaves it out and the work tree has nothing there — in HEAD's tree.
bool TrackedFileExists(const std::string& root, const std::string& rel);

struct TrackedEntry {
  std::string name;
  std::string blob;   // hex id; empty for a folder
  bool folder = false;
  bool link = false;  // a symbolic link (no file of the mirror: util/fs.h)
};
// The entries HEAD's tree has in folder `rel` ("" = the root); empty when
// there is no repository, no commit or no such folder.
Result<std::vector<TrackedEntry>> ListHeadFolder(const std::string& root, const std::string& rel);

// Makes blobs (hex ids) readable: those a partial clone lacks are fetched from
// its promisor remote in one request. A no-op for blobs already there; those
// that are nowhere to be had are left for the reader to report.
Status FetchBlobs(const std::string& root, const std::vector<std::string>& blobs);

}  // namespace nm
