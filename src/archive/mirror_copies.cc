#include "archive/mirror_copies.h"

#include "archive/markdown.h"
#include "html/escape.h"
#include "layout/layout.h"
#include "url/url.h"
#include "util/text.h"

namespace nm {

namespace {

// The characters a Markdown link text would read as markup, a control
// character, or white space at either end: a name must be plain text.
std::string NameProblem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.size() > 80) return "it is longer than 80 bytes";
  if (name.front() == ' ' || name.back() == ' ') return "it starts or ends with a space";
  for (size_t i = 0; i < name.size();) {
    size_t len;
    uint32_t cp = DecodeUtf8At(name, i, &len);
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
      return "it holds a control character";
    }
    if (len == 1 && std::string_view("\\[]<>*_~`&|").find(static_cast<char>(cp)) != std::string_view::npos) {
      return std::string("it holds '") + static_cast<char>(cp) + "' (names are plain text: none of \\ [ ] < > * _ ~ ` & |)";
    }
    if (len == 1 && cp >= 0x80) return "it is not valid UTF-8";
    i += len;
  }
  return {};
}

// `url` normalized, an absolute http(s) URL without credentials, with ( and )
// percent-encoded; or why not.
std::string StoredUrl(std::string_view url, std::string& out) {
  // Normalizing drops credentials (url/url.h); a copy that names some is
  // refused instead, so that its token is not silently left in the configuration.
  if (WithoutCredentials(url) != url) return "it holds a user name or password (a page never carries credentials)";
  auto normalized = NormalizeUrl(url);
  if (!normalized || (normalized->rfind("https://", 0) != 0 && normalized->rfind("http://", 0) != 0)) {
    return "it must be an absolute http:// or https:// URL";
  }
  size_t authority = normalized->find("://") + 3;
  size_t end = normalized->find_first_of("/?#", authority);
  if (normalized->substr(authority, end - authority).find('@') != std::string::npos) {
    return "it holds a user name or password (a page never carries credentials)";
  }
  out.clear();
  for (char c : *normalized) {
    if (c == '(') out += "%28";
    else if (c == ')') out += "%29";
    else if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '\\' || c == '<' || c == '>' || c == '"' ||
             c == '`') {
      return "it holds a character a link cannot carry as it is";
    }
    else out += c;
  }
  return {};
}

// {path}, {outlet}, {file} and {id} filled in; `known` false when the
// template names another placeholder.
std::string FillArticle(std::string_view tmpl, std::string_view outlet, std::string_view file, int64_t id,
                        bool* known = nullptr) {
  std::string out;
  if (known) *known = true;
  for (size_t i = 0; i < tmpl.size();) {
    size_t open = tmpl.find('{', i);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    size_t close = tmpl.find('}', open);
    std::string_view name = close == std::string_view::npos ? std::string_view() : tmpl.substr(open + 1, close - open - 1);
    if (name == "path") out += layout::ArticlesDir() + "/" + EncodeUriComponent(outlet) + "/" + EncodeUriComponent(file);
    else if (name == "outlet") out += EncodeUriComponent(outlet);
    else if (name == "file") out += EncodeUriComponent(file);
    else if (name == "id") out += std::to_string(id);
    else {
      if (known) *known = false;
      out.push_back('{');
      i = open + 1;
      continue;
    }
    i = close + 1;
  }
  return out;
}

std::string Html(std::string_view s, bool attribute = false) {
  std::string out;
  AppendHtmlEscaped(out, s, attribute);
  return out;
}

}  // namespace

Status CheckMirrorCopy(MirrorCopy& copy) {
  if (std::string why = NameProblem(copy.name); !why.empty()) {
    return Status::InvalidArgument("the name '" + copy.name + "' of a mirror: " + why);
  }
  std::string stored;
  if (std::string why = StoredUrl(copy.url, stored); !why.empty()) {
    return Status::InvalidArgument("the url of mirror '" + copy.name + "': " + why);
  }
  copy.url = stored;
  if (!copy.article.empty()) {
    bool known = true;
    std::string sample = FillArticle(copy.article, "o", "1048574_t.md", 1048574, &known);
    if (!known) {
      return Status::InvalidArgument("the article template of mirror '" + copy.name +
                                     "' names a placeholder other than {path}, {outlet}, {file} and {id}");
    }
    if (copy.article.find("{path}") == std::string::npos && copy.article.find("{id}") == std::string::npos &&
        copy.article.find("{file}") == std::string::npos) {
      return Status::InvalidArgument("the article template of mirror '" + copy.name +
                                     "' names no article: it needs {path}, {file} or {id}");
    }
    if (std::string why = StoredUrl(sample, stored); !why.empty()) {
      return Status::InvalidArgument("the article template of mirror '" + copy.name + "': " + why);
    }
    // Stored as written: the placeholders are filled in for each article,
    // and the filled URL is normalized then (ArticleUrlInCopy).
  }
  return Status::Ok();
}

std::string MirrorCopiesMarkdown(const std::vector<MirrorCopy>& copies) {
  if (copies.empty()) return {};
  std::string out = "\n## " + std::string(kMirrorCopiesHeading) + "\n\n" + std::string(kMirrorCopiesNote) + "\n\n";
  for (const MirrorCopy& c : copies) {
    // Written as every link of the mirror's Markdown is (archive/markdown.h);
    // CheckMirrorCopy already refused names and URLs that would need more.
    out += "- [" + MarkdownLinkText(c.name) + "](" + MarkdownDestination(c.url) + ")\n";
  }
  return out;
}

std::string MirrorCopiesHtml(const std::vector<MirrorCopy>& copies) {
  if (copies.empty()) return {};
  std::string out = "<nav class=\"mirrors\" aria-label=\"" + Html(kMirrorCopiesHeading, true) + "\"><h2>" +
                    Html(kMirrorCopiesHeading) + "</h2><p>" + Html(kMirrorCopiesNote) + "</p><ul>";
  for (const MirrorCopy& c : copies) {
    out += "<li><a href=\"" + Html(c.url, true) + "\">" + Html(c.name) + "</a></li>";
  }
  return out + "</ul></nav>";
}

std::string MirrorCopiesText(const std::vector<MirrorCopy>& copies) {
  if (copies.empty()) return {};
  std::string out = std::string(kMirrorCopiesHeading) + " — " + std::string(kMirrorCopiesNote) + "\n";
  for (const MirrorCopy& c : copies) out += "  " + c.name + ": " + c.url + "\n";
  return out;
}

std::optional<std::string> ArticleUrlInCopy(const MirrorCopy& copy, std::string_view outlet, std::string_view file,
                                            int64_t id) {
  if (copy.article.empty()) return std::nullopt;
  std::string url;
  if (!StoredUrl(FillArticle(copy.article, outlet, file, id), url).empty()) return std::nullopt;
  return url;
}

}  // namespace nm
