// Edits attribute values of HTML in place, leaving every other byte as it was.
//
// The archive keeps what an outlet published, so HTML is never parsed and
// re-serialized: a scanner that follows the HTML tokenizer finds start tags
// and their attribute values (stepping over comments, CDATA sections,
// declarations and the contents of raw-text elements such as <script>), and
// only the values an edit changes are rewritten, keeping their quoting; a
// value that needs quotes and had none gets double quotes. Values are handed
// to the edit decoded (character references resolved) and re-escaped after.
// New attributes may be inserted right after a tag's name, so that the
// original ones stay byte for byte.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

struct AttributeSite {
  std::string_view tag;        // lower-cased element name
  std::string_view attribute;  // lower-cased attribute name
  bool inside_media = false;   // within an open <video> or <audio>
};

// The new value of an attribute, or nullopt to leave it as it is.
using AttributeEdit =
    std::function<std::optional<std::string>(const AttributeSite& site, const std::string& value)>;

// The decoded value of an attribute of the tag at hand; nullopt when it is
// absent or has no value.
using AttributeLookup = std::function<std::optional<std::string>(std::string_view attribute)>;

// Text to insert right after a start tag's name (new attributes, already
// escaped), or "" for none. `site.attribute` is empty.
using TagInsertion = std::function<std::string(const AttributeSite& site, const AttributeLookup& value_of)>;

std::string RewriteAttributes(std::string_view html, const AttributeEdit& edit,
                              const TagInsertion& insert = nullptr);

}  // namespace nm
