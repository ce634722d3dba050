#include "config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "complete/rewrite_rules.h"
#include "extract/selector.h"
#include "layout/layout.h"
#include "util/fs.h"

namespace nm {

namespace {

// Collects the first error with its position; every accessor checks types.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  bool failed() const { return !error_.ok(); }
  Status error() const { return error_; }

  void Fail(const toml::node* at, const std::string& what) {
    if (failed()) return;
    std::string where = origin_;
    if (at && at->source().begin) where += ":" + std::to_string(at->source().begin.line);
    error_ = Status::InvalidArgument(where + ": " + what);
  }

  void CheckKeys(const toml::table& t, const std::string& table_name, std::set<std::string> known) {
    for (const auto& [key, node] : t) {
      if (!known.count(std::string(key.str()))) {
        std::string where = origin_;
        if (key.source().begin) where += ":" + std::to_string(key.source().begin.line);
        else if (node.source().begin) where += ":" + std::to_string(node.source().begin.line);
        if (!failed()) {
          error_ = Status::InvalidArgument(where + ": unknown key '" + std::string(key.str()) + "' in " +
                                           table_name);
        }
      }
    }
  }

  void Int(const toml::table& t, const char* key, const std::string& table, long min, long max, auto& out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    auto v = n->value<int64_t>();
    if (!v || !n->is_integer()) return Fail(n, "'" + std::string(key) + "' in " + table + " must be a whole number");
    if (*v < min || *v > max) {
      return Fail(n, "'" + std::string(key) + "' in " + table + " must be between " + std::to_string(min) +
                         " and " + std::to_string(max));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
  }

  void Str(const toml::table& t, const char* key, const std::string& table, std::string& out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (!n->is_string()) return Fail(n, "'" + std::string(key) + "' in " + table + " must be a string");
    out = *n->value<std::string>();
  }

  void Bool(const toml::table& t, const char* key, const std::string& table, bool& out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (!n->is_boolean()) return Fail(n, "'" + std::string(key) + "' in " + table + " must be true or false");
    out = *n->value<bool>();
  }

  void Images(const toml::table& t, const std::string& table, ImageMode& out) {
    std::string word;
    Str(t, "images", table, word);
    if (!t.get("images") || failed()) return;
    auto m = ParseImageMode(word);
    if (!m.ok()) return Fail(t.get("images"), "images in " + table + ": " + m.status().message());
    out = *m;
  }

  // rewrite = [{ match = "…", replace = "…" }, …] or [[source.rewrite]] tables.
  void Rewrites(const toml::table& t, std::vector<RewriteRule>& out) {
    const toml::node* n = t.get("rewrite");
    if (!n) return;
    const toml::array* rules = n->as_array();
    if (!rules) return Fail(n, "'rewrite' in [[source]] must be a list of { match = \"…\", replace = \"…\" }");
    for (const toml::node& item : *rules) {
      const toml::table* rt = item.as_table();
      if (!rt) return Fail(&item, "each 'rewrite' rule must be a table { match = \"…\", replace = \"…\" }");
      CheckKeys(*rt, "a rewrite rule", {"match", "replace"});
      RewriteRule rule;
      Str(*rt, "match", "a rewrite rule", rule.match);
      Str(*rt, "replace", "a rewrite rule", rule.replace);
      if (failed()) return;
      if (!rt->get("match") || !rt->get("replace")) return Fail(&item, "a rewrite rule needs both 'match' and 'replace'");
      if (std::string why = RewriteRuleProblem(rule); !why.empty()) {
        return Fail(rt->get("match"), "rewrite rule '" + rule.match + "': " + why);
      }
      out.push_back(std::move(rule));
    }
  }

  // mirrors = [{ name = "…", url = "…", article = "…" }, …]
  void Mirrors(const toml::table& t, std::vector<MirrorCopy>& out) {
    const toml::node* n = t.get("mirrors");
    if (!n) return;
    const toml::array* list = n->as_array();
    if (!list) return Fail(n, "'mirrors' in [publish] must be a list of { name = \"…\", url = \"…\" }");
    std::set<std::string> names;
    for (const toml::node& item : *list) {
      const toml::table* mt = item.as_table();
      if (!mt) return Fail(&item, "each of 'mirrors' must be a table { name = \"…\", url = \"…\" }");
      CheckKeys(*mt, "a mirror", {"name", "url", "article"});
      MirrorCopy copy;
      Str(*mt, "name", "a mirror", copy.name);
      Str(*mt, "url", "a mirror", copy.url);
      Str(*mt, "article", "a mirror", copy.article);
      if (failed()) return;
      if (!mt->get("name") || !mt->get("url")) return Fail(&item, "a mirror needs both 'name' and 'url'");
      if (Status s = CheckMirrorCopy(copy); !s.ok()) return Fail(mt->get("url"), s.message());
      if (!names.insert(copy.name).second) return Fail(mt->get("name"), "two mirrors are named '" + copy.name + "'");
      out.push_back(std::move(copy));
    }
  }

  const toml::table* Table(const toml::table& root, const char* key) {
    const toml::node* n = root.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) {
      Fail(n, "'" + std::string(key) + "' must be a table ([" + key + "])");
      return nullptr;
    }
    return n->as_table();
  }

 private:
  std::string origin_;
  Status error_;
};

// Why `url` cannot be [mail] server, or "".
std::string SmtpServerProblem(std::string_view url) {
  size_t scheme = url.rfind("smtps://", 0) == 0 ? 8 : url.rfind("smtp://", 0) == 0 ? 7 : 0;
  if (!scheme) return "it must start with smtps:// (TLS) or smtp:// (STARTTLS, required)";
  std::string_view rest = url.substr(scheme);
  size_t end = rest.find('/');
  std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.front() == ':') return "it names no host";
  if (authority.find('@') != std::string_view::npos) {
    return "it holds a user name or password: give them in NEWSMIRROR_SMTP_USER and NEWSMIRROR_SMTP_PASSWORD instead";
  }
  if (end != std::string_view::npos && end + 1 != rest.size()) return "it must be just smtps://host[:port]";
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F || c == '?' || c == '#') return "it must be just smtps://host[:port]";
  }
  return {};
}

}  // namespace

Result<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "UTC" || text == "GMT") return 0;
  if (text.size() == 6 && (text[0] == '+' || text[0] == '-') && text[3] == ':' &&
      std::isdigit(static_cast<unsigned char>(text[1])) && std::isdigit(static_cast<unsigned char>(text[2])) &&
      std::isdigit(static_cast<unsigned char>(text[4])) && std::isdigit(static_cast<unsigned char>(text[5]))) {
    int h = (text[1] - '0') * 10 + (text[2] - '0');
    int m = (text[4] - '0') * 10 + (text[5] - '0');
    if (h <= 14 && m < 60) return (text[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  return Status::InvalidArgument("'" + std::string(text) + "' is not a UTC offset like \"+08:00\"");
}

Result<int64_t> ParseByteSize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string_view number = text.substr(digits, i - digits);
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit;
  for (char c : text.substr(i)) unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"", 1}, {"B", 1}, {"KB", 1000}, {"MB", 1000'000}, {"GB", 1000'000'000}, {"TB", 1000'000'000'000}};
  int64_t scale = 0;
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) scale = factor;
  }
  int64_t n = 0;
  if (number.empty() || number.size() > 15 || scale == 0) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a size like \"1 GB\" or \"500 MB\"");
  }
  for (char c : number) n = n * 10 + (c - '0');
  if (n > INT64_MAX / scale) return Status::InvalidArgument("'" + std::string(text) + "' is too large");
  return n * scale;
}

namespace {
std::string FillTemplate(std::string text, std::string_view key, std::string_view value) {
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
  return text;
}
}  // namespace

std::string RolloverConfig::RepositoryName(int year) const { return name + "-" + std::to_string(year); }
std::string RolloverConfig::RemoteOf(int year) const {
  return FillTemplate(FillTemplate(remote, "{name}", name), "{year}", std::to_string(year));
}
std::string RolloverConfig::WebOf(int year) const {
  return ArchiveWebRoot(FillTemplate(web, "{name}", name), year);
}

Result<Config> ParseConfig(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ": " << e.description();
    return Status::InvalidArgument(msg.str());
  }
  Config cfg;
  cfg.path = origin;
  Reader r(origin);
  r.CheckKeys(root, "the file", {"archive", "fetch", "publish", "rollover", "site", "bundle", "mail", "source"});

  if (const toml::table* a = r.Table(root, "archive")) {
    r.CheckKeys(*a, "[archive]", {"list_size", "list_utc_offset", "image_proxy", "images", "image_max_mb",
                                     "image_max_width", "image_budget_kb", "image_format", "keep_original_images"});
    r.Int(*a, "list_size", "[archive]", 1, 100000, cfg.archive.list_size);
    std::string offset;
    r.Str(*a, "list_utc_offset", "[archive]", offset);
    if (!offset.empty()) {
      auto m = ParseUtcOffset(offset);
      if (!m.ok()) r.Fail(a->get("list_utc_offset"), "list_utc_offset: " + m.status().message());
      else cfg.archive.list_utc_offset_minutes = *m;
    }
    r.Str(*a, "image_proxy", "[archive]", cfg.archive.image_proxy);
    const std::string& p = cfg.archive.image_proxy;
    if (!p.empty() && p.find("{url}") == std::string::npos && p.find("{url_noscheme}") == std::string::npos) {
      r.Fail(a->get("image_proxy"), "image_proxy must contain {url} or {url_noscheme}, or be \"\" to turn rewriting off");
    }
    r.Images(*a, "[archive]", cfg.complete.images);
    long image_mb = static_cast<long>(cfg.complete.image_max_bytes >> 20);
    r.Int(*a, "image_max_mb", "[archive]", 1, 1024, image_mb);
    cfg.complete.image_max_bytes = static_cast<int64_t>(image_mb) << 20;
    ImageFitOptions& fit = cfg.complete.image_fit;
    long width = fit.max_width, budget_kb = static_cast<long>(fit.budget_bytes >> 10);
    r.Int(*a, "image_max_width", "[archive]", 64, 8192, width);
    r.Int(*a, "image_budget_kb", "[archive]", 8, 100 * 1024, budget_kb);
    fit.max_width = static_cast<int>(width);
    fit.budget_bytes = static_cast<int64_t>(budget_kb) << 10;
    std::string format;
    r.Str(*a, "image_format", "[archive]", format);
    if (a->get("image_format") && !r.failed()) {
      auto m = ParseImageFormat(format);
      if (!m.ok()) r.Fail(a->get("image_format"), "image_format in [archive]: " + m.status().message());
      else fit.format = *m;
    }
    r.Bool(*a, "keep_original_images", "[archive]", fit.keep_original);
  }
  if (const toml::table* t = r.Table(root, "rollover")) {
    RolloverConfig& ro = cfg.rollover;
    ro.configured = true;
    r.CheckKeys(*t, "[rollover]", {"name", "web", "remote", "max_repository_bytes", "max_files_per_folder"});
    r.Str(*t, "name", "[rollover]", ro.name);
    r.Str(*t, "web", "[rollover]", ro.web);
    r.Str(*t, "remote", "[rollover]", ro.remote);
    r.Int(*t, "max_files_per_folder", "[rollover]", 1, 100'000'000, ro.max_files_per_folder);
    if (const toml::node* n = t->get("max_repository_bytes")) {
      Result<int64_t> bytes = n->is_integer() ? Result<int64_t>(*n->value<int64_t>())
                              : n->is_string() ? ParseByteSize(*n->value<std::string>())
                                               : Result<int64_t>(Status::InvalidArgument("it must be a size like \"1 GB\""));
      if (!bytes.ok()) r.Fail(n, "max_repository_bytes in [rollover]: " + bytes.status().message());
      else if (*bytes < 1) r.Fail(n, "max_repository_bytes in [rollover] must be at least 1 byte (leave [rollover] out never to roll over)");
      else ro.max_repository_bytes = *bytes;
    }
    if (!r.failed()) {
      // "{name}-{year}" is a folder's name (.newsmirror/archives/) and a repository's.
      if (ro.name.empty()) {
        r.Fail(t, "[rollover] needs a 'name': the archive repositories are named {name}-{year}");
      } else if (Status s = layout::CheckOutletName(ro.name + "-2000"); !s.ok()) {
        r.Fail(t->get("name"), "name in [rollover] cannot name a repository folder: " + s.message());
      } else if (ro.name.find('/') != std::string::npos) {
        r.Fail(t->get("name"), "name in [rollover] cannot hold a '/'");
      }
    }
    if (!r.failed()) {
      if (ro.web.rfind("http://", 0) != 0 && ro.web.rfind("https://", 0) != 0) {
        r.Fail(t->get("web") ? t->get("web") : t,
               "[rollover] needs 'web', the address readers open an archive repository's files at, starting with "
               "https:// (e.g. \"https://github.com/owner/{name}-{year}/blob/main/\")");
      } else if (ro.web.find("{year}") == std::string::npos) {
        r.Fail(t->get("web"), "web in [rollover] must contain {year}: each year has a repository of its own");
      } else if (!ro.remote.empty() && ro.remote.find("{year}") == std::string::npos) {
        r.Fail(t->get("remote"), "remote in [rollover] must contain {year}: each year has a repository of its own");
      }
    }
    if (!r.failed()) cfg.archive.archive_web = FillTemplate(ro.web, "{name}", ro.name);
  }
  if (const toml::table* f = r.Table(root, "fetch")) {
    r.CheckKeys(*f, "[fetch]", {"jobs", "connect_timeout", "timeout", "retries", "max_size_mb", "proxy", "user_agent",
                                 "page_spacing_ms"});
    r.Int(*f, "page_spacing_ms", "[fetch]", 0, 600000, cfg.complete.page_spacing_ms);
    r.Int(*f, "jobs", "[fetch]", 1, 64, cfg.fetch.jobs);
    long connect_s = cfg.fetch.connect_timeout_ms / 1000, total_s = cfg.fetch.timeout_ms / 1000;
    r.Int(*f, "connect_timeout", "[fetch]", 1, 600, connect_s);
    r.Int(*f, "timeout", "[fetch]", 1, 3600, total_s);
    cfg.fetch.connect_timeout_ms = connect_s * 1000;
    cfg.fetch.timeout_ms = total_s * 1000;
    r.Int(*f, "retries", "[fetch]", 0, 10, cfg.fetch.retries);
    long max_mb = static_cast<long>(cfg.fetch.max_bytes >> 20);
    r.Int(*f, "max_size_mb", "[fetch]", 1, 1024, max_mb);
    cfg.fetch.max_bytes = static_cast<int64_t>(max_mb) << 20;
    r.Str(*f, "proxy", "[fetch]", cfg.fetch.proxy);
    r.Str(*f, "user_agent", "[fetch]", cfg.fetch.user_agent);
  }
  if (const toml::table* p = r.Table(root, "publish")) {
    r.CheckKeys(*p, "[publish]", {"remotes", "raw_base_url", "mirrors", "push_warn_hours"});
    r.Int(*p, "push_warn_hours", "[publish]", 1, 24 * 365, cfg.publish.push_warn_hours);
    r.Mirrors(*p, cfg.archive.mirrors);
    r.Str(*p, "raw_base_url", "[publish]", cfg.publish.raw_base_url);
    const std::string& raw = cfg.publish.raw_base_url;
    if (!raw.empty() && raw.rfind("http://", 0) != 0 && raw.rfind("https://", 0) != 0) {
      r.Fail(p->get("raw_base_url"), "raw_base_url in [publish] must start with http:// or https://");
    }
    if (const toml::node* n = p->get("remotes")) {
      if (!n->is_array()) {
        r.Fail(n, "'remotes' in [publish] must be a list of remote names");
      } else {
        cfg.publish.remotes.clear();
        for (const toml::node& item : *n->as_array()) {
          if (!item.is_string() || item.value<std::string>()->empty()) {
            r.Fail(&item, "'remotes' in [publish] must hold remote names (strings)");
            break;
          }
          cfg.publish.remotes.push_back(*item.value<std::string>());
        }
      }
    }
  }
  if (const toml::table* t = r.Table(root, "site")) {
    r.CheckKeys(*t, "[site]", {"base_url", "jekyll_posts"});
    r.Str(*t, "base_url", "[site]", cfg.site.base_url);
    r.Bool(*t, "jekyll_posts", "[site]", cfg.site.jekyll_posts);
  }
  if (const toml::table* b = r.Table(root, "bundle")) {
    BundleScheduleConfig& bc = cfg.bundle;
    bc.enabled = true;
    r.CheckKeys(*b, "[bundle]", {"formats", "periods", "outlets", "keep_days", "keep_months", "current", "max_mb",
                                 "max_growth_mb", "epub_font", "folder"});
    auto words = [&](const char* key, const std::vector<std::string>& allowed) {
      std::vector<std::string> out;
      const toml::node* n = b->get(key);
      if (!n) return out;
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
      const toml::array* arr = n->as_array();
      if (!arr || arr->empty()) {
        r.Fail(n, "'" + std::string(key) + "' in [bundle] must be a list of " + list);
        return out;
      }
      for (const toml::node& item : *arr) {
        auto v = item.value<std::string>();
        if (!item.is_string() || std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
          r.Fail(&item, "'" + std::string(key) + "' in [bundle] takes " + list);
          return out;
        }
        out.push_back(*v);
      }
      return out;
    };
    if (b->get("formats")) {
      bc.formats.clear();
      for (const std::string& w : words("formats", {"epub", "html"})) {
        BundleFormat f = *ParseBundleFormat(w);
        if (std::find(bc.formats.begin(), bc.formats.end(), f) == bc.formats.end()) bc.formats.push_back(f);
      }
    }
    if (b->get("periods")) {
      std::vector<std::string> p = words("periods", {"daily", "monthly"});
      bc.daily = std::find(p.begin(), p.end(), "daily") != p.end();
      bc.monthly = std::find(p.begin(), p.end(), "monthly") != p.end();
    }
    std::string outlets;
    r.Str(*b, "outlets", "[bundle]", outlets);
    if (!outlets.empty() || b->get("outlets")) {
      if (outlets != "all" && outlets != "each" && outlets != "both") {
        r.Fail(b->get("outlets"), "'outlets' in [bundle] must be \"all\" (one bundle of every outlet), \"each\" "
                                  "(one per outlet) or \"both\"");
      }
      bc.all_outlets = outlets != "each";
      bc.each_outlet = outlets != "all";
    }
    r.Int(*b, "keep_days", "[bundle]", 1, 366, bc.keep_days);
    r.Int(*b, "keep_months", "[bundle]", 1, 120, bc.keep_months);
    r.Bool(*b, "current", "[bundle]", bc.current);
    // A number of megabytes (of 1,000,000 bytes) in [lo, hi].
    auto megabytes = [&](const char* key, double lo, double hi, const std::string& what, int64_t& out) {
      const toml::node* n = b->get(key);
      if (!n) return;
      auto v = n->value<double>();
      if (!v || !(n->is_floating_point() || n->is_integer()) || *v < lo || *v > hi) {
        r.Fail(n, std::string("'") + key + "' in [bundle] must be " + what);
      } else {
        out = static_cast<int64_t>(*v * 1'000'000);
      }
    };
    megabytes("max_mb", 0.05, 2000, "a number of megabytes between 0.05 and 2000", bc.max_bytes);
    megabytes("max_growth_mb", 0.05, 100000, "a number of megabytes a day between 0.05 and 100000", bc.max_growth_bytes);
    if (bc.max_growth_bytes > 0 && bc.max_growth_bytes < bc.max_bytes && !r.failed()) {
      r.Fail(b->get("max_growth_mb"), "'max_growth_mb' in [bundle] must be at least max_mb (one bundle must fit in a day)");
    }
    r.Str(*b, "epub_font", "[bundle]", bc.epub_font);
    r.Str(*b, "folder", "[bundle]", bc.folder);
  }
  if (const toml::table* m = r.Table(root, "mail")) {
    MailConfig& mail = cfg.mail;
    mail.enabled = true;
    r.CheckKeys(*m, "[mail]", {"server", "from", "to", "to_file", "schedule", "max_kb", "excerpt_chars", "subject",
                               "attach", "attach_max_mb", "ca_file", "timeout"});
    auto address = [&](const toml::node* n, MailAddress& out) {
      if (!n->is_string()) return r.Fail(n, "addresses in [mail] must be strings");
      auto parsed = ParseMailAddress(*n->value<std::string>());
      if (!parsed.ok()) return r.Fail(n, "[mail]: " + parsed.status().message());
      out = std::move(parsed).value();
    };
    r.Str(*m, "server", "[mail]", mail.server);
    if (m->get("server") && !r.failed()) {
      if (std::string why = SmtpServerProblem(mail.server); !why.empty()) r.Fail(m->get("server"), "server in [mail]: " + why);
    }
    if (const toml::node* n = m->get("from")) address(n, mail.from);
    if (const toml::node* n = m->get("to")) {
      if (!n->is_array()) {
        r.Fail(n, "'to' in [mail] must be a list of addresses");
      } else {
        for (const toml::node& item : *n->as_array()) {
          MailAddress a;
          address(&item, a);
          if (r.failed()) break;
          mail.to.push_back(std::move(a));
        }
      }
    }
    r.Str(*m, "to_file", "[mail]", mail.to_file);
    if (!mail.to_file.empty() && !r.failed()) {
      if (Status why = layout::CheckUserFilePath(mail.to_file); !why.ok()) {
        r.Fail(m->get("to_file"), "to_file in [mail]: " + why.message());
      }
    }
    std::string schedule;
    r.Str(*m, "schedule", "[mail]", schedule);
    if (schedule == "each-run") mail.schedule = MailConfig::Schedule::kEachRun;
    else if (m->get("schedule") && schedule != "daily") r.Fail(m->get("schedule"), "schedule in [mail] must be \"daily\" or \"each-run\"");
    long max_kb = static_cast<long>(mail.max_bytes / 1024);
    r.Int(*m, "max_kb", "[mail]", 16, 10240, max_kb);
    mail.max_bytes = static_cast<int64_t>(max_kb) * 1024;
    r.Int(*m, "excerpt_chars", "[mail]", 0, 5000, mail.excerpt_chars);
    r.Str(*m, "subject", "[mail]", mail.subject);
    r.Str(*m, "attach", "[mail]", mail.attach);
    if (!mail.attach.empty() && !r.failed()) {
      std::string probe = mail.attach;
      for (const char* p : {"{today}", "{yesterday}", "{month}"}) {
        for (size_t at; (at = probe.find(p)) != std::string::npos;) probe.replace(at, std::strlen(p), "x");
      }
      if (probe.find_first_of("{}") != std::string::npos) {
        r.Fail(m->get("attach"), "attach in [mail] may use {today}, {yesterday} and {month}, nothing else in braces");
      } else if (Status why = layout::CheckUserFilePath(probe); !why.ok()) {
        r.Fail(m->get("attach"), "attach in [mail]: " + why.message());
      }
    }
    long attach_mb = static_cast<long>(mail.attach_max_bytes >> 20);
    r.Int(*m, "attach_max_mb", "[mail]", 1, 100, attach_mb);
    mail.attach_max_bytes = static_cast<int64_t>(attach_mb) << 20;
    r.Str(*m, "ca_file", "[mail]", mail.ca_file);
    r.Int(*m, "timeout", "[mail]", 5, 600, mail.timeout_s);
    if (!r.failed() && (!m->get("server") || !m->get("from"))) r.Fail(m, "[mail] needs a server and a from address");
    if (!r.failed() && mail.to.empty() && mail.to_file.empty()) r.Fail(m, "[mail] needs 'to' (a list of addresses) or 'to_file'");
  }
  if (const toml::node* s = root.get("source")) {
    if (!s->is_array_of_tables()) {
      r.Fail(s, "'source' must be written as [[source]] tables");
    } else {
      std::set<std::string> names;
      layout::OutletNameSet outlets;
      for (const toml::node& node : *s->as_array()) {
        const toml::table& t = *node.as_table();
        SourceConfig sc;
        r.CheckKeys(t, "[[source]]",
                    {"name", "url", "date_zone", "enabled", "full_text", "selector", "rewrite", "images", "language"});
        r.Str(t, "name", "[[source]]", sc.name);
        r.Str(t, "url", "[[source]]", sc.url);
        r.Bool(t, "enabled", "[[source]]", sc.enabled);
        std::string zone;
        r.Str(t, "date_zone", "[[source]]", zone);
        if (!zone.empty()) {
          auto m = ParseUtcOffset(zone);
          if (!m.ok()) r.Fail(t.get("date_zone"), "date_zone: " + m.status().message());
          else sc.date_zone_minutes = *m;
        }
        std::string full_text;
        r.Str(t, "full_text", "[[source]]", full_text);
        if (t.get("full_text")) {
          auto m = ParseFullTextMode(full_text);
          if (!m.ok()) r.Fail(t.get("full_text"), "full_text: " + m.status().message());
          else sc.full_text = *m;
        }
        r.Str(t, "selector", "[[source]]", sc.selector);
        if (!sc.selector.empty() && !r.failed()) {
          // Checked now, not when the first page arrives: a typo stops the run before anything is fetched.
          auto parsed = CssSelector::Parse(sc.selector);
          if (!parsed.ok()) r.Fail(t.get("selector"), "selector '" + sc.selector + "' in [[source]]: " + parsed.status().message());
        }
        if (t.get("images")) {
          ImageMode mode = cfg.complete.images;
          r.Images(t, "[[source]]", mode);
          sc.images = mode;
        }
        r.Rewrites(t, sc.rewrite);
        r.Str(t, "language", "[[source]]", sc.language);
        if (!sc.language.empty() && (sc.language.size() > 35 ||
                                     sc.language.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
                                         std::string::npos)) {
          r.Fail(t.get("language"), "language in [[source]] must be a language tag such as \"zh-Hans\" or \"zh-Hant\"");
        }
        if (r.failed()) break;
        if (!t.get("name")) { r.Fail(&node, "a [[source]] has no name"); break; }
        // The name as the folders will hold it (NFC), so that two spellings
        // of one name are one outlet.
        auto name = layout::NormalizeOutletName(sc.name);
        if (!name.ok()) {
          r.Fail(t.get("name"), "source name '" + sc.name + "' cannot be a folder name: " + name.status().message());
          break;
        }
        sc.name = std::move(name).value();
        if (!names.insert(sc.name).second) {
          r.Fail(t.get("name"), "two sources are named '" + sc.name + "'");
          break;
        }
        if (Status s = outlets.Add(sc.name); !s.ok()) {
          r.Fail(t.get("name"), "source name " + s.message());
          break;
        }
        if (sc.url.rfind("http://", 0) != 0 && sc.url.rfind("https://", 0) != 0 && sc.url.rfind("file:", 0) != 0) {
          r.Fail(t.get("url") ? t.get("url") : &node,
                 "source '" + sc.name + "' needs a url starting with http://, https:// or file: (file:relative/path is read beside this file)");
          break;
        }
        cfg.sources.push_back(std::move(sc));
      }
    }
  }
  if (r.failed()) return r.error();
  return cfg;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Status::InvalidArgument(text.status().message());
  auto cfg = ParseConfig(*text, path);
  if (!cfg.ok()) return cfg;
  // "file:relative/path" names a file beside the configuration, so a bundled
  // example works from any working folder.
  std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
  if (!cfg->mail.ca_file.empty()) cfg->mail.ca_file = (dir / cfg->mail.ca_file).lexically_normal().string();
  for (SourceConfig& s : cfg->sources) {
    if (s.url.rfind("file:", 0) == 0 && s.url.rfind("file://", 0) != 0) {
      s.url = "file://" + (dir / s.url.substr(5)).lexically_normal().string();
    }
  }
  // So are [bundle]'s font and folder.
  for (std::string* p : {&cfg->bundle.epub_font, &cfg->bundle.folder}) {
    if (!p->empty()) *p = (dir / *p).lexically_normal().string();
  }
  return cfg;
}

}  // namespace nm
