#include "mail/send_digests.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "archive/archive_reader.h"
#include "archive/file_name.h"
#include "archive/list_page.h"
#include "layout/layout.h"
#include "mail/digest.h"
#include "mail/mail_state.h"
#include "mail/smtp.h"
#include "publish/mirror_feed.h"
#include "state/outlet_state.h"
#include "util/fs.h"
#include "util/hash.h"

namespace nm {

bool MailReport::AllSent() const {
  if (!status.ok()) return false;
  for (const DigestReport& r : recipients) {
    if (r.due && !r.sent) return false;
  }
  return true;
}

namespace {

struct Recipient {
  MailAddress address;
  std::string key;
};

std::vector<Recipient> Recipients(const std::string& root, const MailConfig& mail, MailReport& report) {
  std::vector<Recipient> out;
  std::set<std::string> keys;
  auto add = [&](MailAddress a) {
    std::string key = RecipientKey(a.address);
    if (keys.insert(key).second) out.push_back({std::move(a), key});
  };
  for (const MailAddress& a : mail.to) add(a);
  if (!mail.to_file.empty()) {
    auto text = ReadFileBelow(root, mail.to_file);
    if (!text.ok()) {
      report.warnings.push_back("[mail] to_file: " + text.status().message());
      return out;
    }
    size_t start = 0;
    for (int line_no = 1; start < text->size(); ++line_no) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      std::string line = text->substr(start, end - start);
      start = end + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t b = line.find_first_not_of(" \t");
      if (b == std::string::npos || line[b] == '#') continue;
      auto a = ParseMailAddress(line);
      // The line is not repeated: it may be someone's address, mistyped.
      if (!a.ok()) report.warnings.push_back(mail.to_file + ":" + std::to_string(line_no) + " is not an e-mail address");
      else add(std::move(a).value());
    }
  }
  return out;
}

// An outlet's records with ids below `below` (descending id), and its
// smallest id (kFirstArticleId + 1 when it has none), reading only the state
// chunks that can hold them.
struct OutletTail {
  std::vector<ArticleRecord> records;
  int64_t smallest = kFirstArticleId + 1;
};

Result<OutletTail> LoadTail(const std::string& root, const std::string& outlet, int64_t below) {
  OutletTail tail;
  std::vector<ArticleRecord> all;
  OutletState feed;
  auto files = ListOutletStateFiles(root, outlet, {}, &feed);
  if (!files.ok()) {
    if (files.status().kind() != Status::Kind::kNotFound) return files.status();
    auto state = ReadOutletState(root, outlet);  // the older single file
    if (!state.ok()) return state.status();
    all = std::move(state->records);
  } else {
    std::vector<int64_t> chunks;
    for (const StateFile& f : *files) {
      if (f.chunk) chunks.push_back(*f.chunk);
    }
    std::sort(chunks.begin(), chunks.end());
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (i > 0 && chunks[i] > StateChunkOf(below - 1)) break;
      std::string rel = layout::OutletStateChunkPath(outlet, chunks[i]);
      auto text = ReadFileBelow(root, rel);
      if (!text.ok()) return text.status();
      auto parsed = ParseOutletState(*text);
      if (!parsed.ok()) return parsed.status().With(rel);
      for (ArticleRecord& r : parsed->records) all.push_back(std::move(r));
    }
  }
  for (ArticleRecord& r : all) {
    tail.smallest = std::min(tail.smallest, r.id);
    if (r.id < below) tail.records.push_back(std::move(r));
  }
  std::sort(tail.records.begin(), tail.records.end(),
            [](const ArticleRecord& a, const ArticleRecord& b) { return a.id > b.id; });
  return tail;
}

std::string LocalDay(int64_t ms, int offset_minutes) { return Rfc3339(ms + int64_t{offset_minutes} * 60000).substr(0, 10); }

std::string FillAttach(std::string path, int64_t now_ms, int offset_minutes) {
  auto fill = [&](const std::string& name, const std::string& value) {
    for (size_t at; (at = path.find(name)) != std::string::npos;) path.replace(at, name.size(), value);
  };
  fill("{today}", LocalDay(now_ms, offset_minutes));
  fill("{yesterday}", LocalDay(now_ms - 86400000, offset_minutes));
  fill("{month}", LocalDay(now_ms, offset_minutes).substr(0, 7));
  return path;
}

std::string Masked(std::string message, const std::string& address) {
  std::string masked = MaskedAddress(address);
  for (size_t at; (at = message.find(address)) != std::string::npos;) message.replace(at, address.size(), masked);
  return message;
}

}  // namespace

MailReport SendDigests(const std::string& root, const Config& config, const std::map<std::string, int>& new_articles,
                       int64_t now_ms, const std::function<Status(const PlannedWrite&)>& save) {
  MailReport report;
  const MailConfig& mail = config.mail;
  const int offset = config.archive.list_utc_offset_minutes;
  const int64_t now = now_ms / 1000 * 1000;  // the state keeps whole seconds
  const std::string today = LocalDay(now, offset);

  std::vector<Recipient> recipients = Recipients(root, mail, report);
  auto state_text = ReadFileBelow(root, layout::MailStatePath());
  MailState state;
  if (state_text.ok()) {
    auto parsed = ParseMailState(*state_text);
    if (!parsed.ok()) {
      report.status = parsed.status();
      return report;
    }
    state = std::move(parsed).value();
  }
  auto due_by_schedule = [&](const RecipientState& r) {
    return mail.schedule == MailConfig::Schedule::kEachRun || r.last_sent_ms == 0 || LocalDay(r.last_sent_ms, offset) < today;
  };
  // Nothing new, nobody behind, nobody's day turned: nothing is read.
  bool may_send = !new_articles.empty();
  for (const Recipient& r : recipients) {
    auto it = state.recipients.find(r.key);
    if (it == state.recipients.end()) continue;  // starts with the next run that archives something
    if (it->second.standing != RecipientState::Standing::kOk) may_send = true;
    if (mail.schedule == MailConfig::Schedule::kDaily && due_by_schedule(it->second)) may_send = true;
  }
  if (!may_send) return report;
  report.ran = true;

  // The outlets and what each recipient is behind on.
  std::vector<std::string> outlets;
  for (const std::string& o : ListStateOutlets(root)) outlets.push_back(o);
  std::map<std::string, int64_t> before_run;  // outlet → its smallest id before this run
  std::map<std::string, OutletTail> tails;
  for (const std::string& o : outlets) {
    auto tail = LoadTail(root, o, 0);
    if (!tail.ok()) {
      report.warnings.push_back(o + ": not mailed: " + tail.status().message());
      continue;
    }
    auto n = new_articles.find(o);
    before_run[o] = tail->smallest + (n == new_articles.end() ? 0 : n->second);
    if (!state.start.count(o)) state.start[o] = before_run[o];
  }
  std::set<std::string> configured;
  for (const Recipient& r : recipients) {
    configured.insert(r.key);
    if (state.recipients.count(r.key)) continue;
    RecipientState fresh;
    for (const auto& [o, id] : before_run) fresh.sent[o] = id;
    state.recipients[r.key] = std::move(fresh);
  }
  for (auto it = state.recipients.begin(); it != state.recipients.end();) {
    it = configured.count(it->first) ? std::next(it) : state.recipients.erase(it);
  }
  auto mark = [&](const RecipientState& r, const std::string& o) {
    auto it = r.sent.find(o);
    return it != r.sent.end() ? it->second : state.start[o];
  };
  for (const auto& [o, id] : before_run) {
    int64_t top = 0;
    for (const auto& [key, r] : state.recipients) top = std::max(top, mark(r, o));
    auto tail = LoadTail(root, o, top);
    if (tail.ok()) tails[o] = std::move(tail).value();
  }

  // The attachment, once for every digest.
  std::vector<MailAttachment> attachments;
  DigestOptions dopts;
  dopts.title = mail.subject;
  dopts.utc_offset_minutes = offset;
  dopts.max_bytes = static_cast<size_t>(mail.max_bytes);
  dopts.excerpt_chars = static_cast<size_t>(mail.excerpt_chars);
  dopts.copies = config.archive.mirrors;
  if (!mail.attach.empty()) {
    std::string rel = FillAttach(mail.attach, now, offset);
    auto bytes = ReadFileBelow(root, rel);
    if (!bytes.ok()) {
      report.warnings.push_back("[mail] attach: " + bytes.status().message() + "; digests go without it");
    } else if (static_cast<int64_t>(bytes->size()) > mail.attach_max_bytes) {
      report.warnings.push_back("[mail] attach: " + rel + " is larger than attach_max_mb; digests go without it");
    } else {
      std::string name = rel.substr(rel.rfind('/') + 1);
      attachments.push_back({name, ContentTypeOfFile(name), std::move(bytes).value()});
      dopts.attachment_note = "附件：" + name + "（离线阅读，无需网络）";
    }
  }

  SmtpOptions sopts;
  sopts.server = mail.server;
  if (const char* u = std::getenv("NEWSMIRROR_SMTP_USER")) sopts.user = u;
  if (const char* p = std::getenv("NEWSMIRROR_SMTP_PASSWORD")) sopts.password = p;
  sopts.ca_file = mail.ca_file;
  sopts.timeout_ms = mail.timeout_s * 1000L;
  sopts.connect_timeout_ms = std::min(15000L, sopts.timeout_ms);
  SmtpClient client(sopts);
  std::string domain = mail.from.address.substr(mail.from.address.rfind('@') + 1);

  auto save_state = [&]() -> Status {
    std::string text = FormatMailState(state);
    auto on_disk = ReadFileBelow(root, layout::MailStatePath());
    if (on_disk.ok() && *on_disk == text) return Status::Ok();
    return save({layout::MailStatePath(), std::move(text)});
  };

  // Recipients with the same marks get the same digest, composed once.
  struct Composed {
    Digest digest;
    std::map<std::string, int64_t> new_marks;  // outlet → smallest id included
    int articles = 0;
    int waiting = 0;
  };
  std::map<std::map<std::string, int64_t>, Composed> composed;
  Status server_down;
  for (const Recipient& rcpt : recipients) {
    RecipientState& rs = state.recipients[rcpt.key];
    DigestReport dr;
    dr.key = rcpt.key;
    dr.to = MaskedAddress(rcpt.address.address);
    std::map<std::string, int64_t> marks;
    size_t pending = 0;
    for (const auto& [o, tail] : tails) {
      marks[o] = mark(rs, o);
      for (const ArticleRecord& r : tail.records) pending += r.id < marks[o];
    }
    dr.due = pending > 0 && due_by_schedule(rs);
    if (!dr.due) {
      if (pending == 0 && rs.standing != RecipientState::Standing::kFailed) rs.standing = RecipientState::Standing::kOk;
      report.recipients.push_back(std::move(dr));
      continue;
    }
    auto found = composed.find(marks);
    if (found == composed.end()) {
      // Oldest first across outlets: each outlet's pending records go in id
      // order (the order they were archived), merged by publication time.
      std::map<std::string, size_t> next;
      std::map<std::string, std::vector<const ArticleRecord*>> queue;
      for (const auto& [o, tail] : tails) {
        for (const ArticleRecord& r : tail.records) {
          if (r.id < marks[o]) queue[o].push_back(&r);
        }
      }
      DigestBuilder builder(dopts, now);
      Composed c;
      size_t total = pending, taken = 0;
      while (true) {
        const std::string* pick = nullptr;
        for (const auto& [o, list] : queue) {
          if (next[o] >= list.size()) continue;
          if (!pick || list[next[o]]->published_ms < queue[*pick][next[*pick]]->published_ms) pick = &o;
        }
        if (!pick) break;
        const ArticleRecord& r = *queue[*pick][next[*pick]];
        DigestArticle a{*pick, r.id, r.file, r.published_ms, r.title, r.link, {}};
        auto doc = ReadArticle(root, *pick, r);
        if (doc.ok()) {
          a.title = doc->title;
          a.link = doc->link;
          a.content_html = std::move(doc->content);
        }
        if (!builder.Add(a)) break;
        c.new_marks[*pick] = r.id;
        ++next[*pick];
        ++taken;
      }
      c.articles = static_cast<int>(taken);
      c.waiting = static_cast<int>(total - taken);
      c.digest = builder.Finish(total - taken);
      found = composed.emplace(marks, std::move(c)).first;
    }
    const Composed& c = found->second;
    dr.articles = c.articles;
    dr.waiting = c.waiting;
    if (!server_down.ok()) {
      dr.status = Status::NetworkError("not sent: " + server_down.message());
    } else {
      MailMessage m;
      m.from = mail.from;
      m.to = rcpt.address;
      m.subject = c.digest.subject;
      m.date_ms = now;
      m.message_id = GitBlobId(rcpt.key + "\n" + std::to_string(now) + "\n" + c.digest.text).substr(0, 24) + "@" + domain;
      m.text = c.digest.text;
      m.html = c.digest.html;
      m.attachments = attachments;
      SmtpOutcome sent = client.Send(mail.from.address, rcpt.address.address, FormatMessage(m));
      if (sent.status.ok()) {
        dr.sent = true;
        for (const auto& [o, id] : c.new_marks) rs.sent[o] = id;
        rs.last_sent_ms = now;
        rs.standing = c.waiting > 0 ? RecipientState::Standing::kMore : RecipientState::Standing::kOk;
        rs.failing_since_ms = 0;
        // Saved at once: a run killed after this send does not send it again.
        if (Status s = save_state(); !s.ok()) {
          report.status = s.With("the mail state could not be saved, no more digests are sent");
          report.recipients.push_back(std::move(dr));
          return report;
        }
      } else {
        dr.status = Status::NetworkError(Masked(sent.status.message(), rcpt.address.address));
        if (sent.server_failed) server_down = dr.status;
      }
    }
    if (!dr.sent) {
      if (rs.standing != RecipientState::Standing::kFailed) rs.failing_since_ms = now;
      rs.standing = RecipientState::Standing::kFailed;
    }
    report.recipients.push_back(std::move(dr));
  }
  if (Status s = save_state(); !s.ok()) report.status = s.With("the mail state could not be saved");
  return report;
}

}  // namespace nm
