// The e-mail digests of a run ([mail]): each recipient gets the articles it
// has not been sent yet, once, in one message, through SMTP.
//
// Who: the addresses of [mail] to and of to_file (a file of the mirror, one
// address a line, '#' comments), each once. When: with schedule "each-run",
// at every run that finds articles a recipient has not been sent (so a run
// that archived something, and the run after a failed or full digest); with
// "daily", at the first such run of each day (list zone). What: the articles
// archived since the recipient's last digest, oldest first up to the size
// cap (mail/digest.h); the rest wait for the next digest. A new recipient
// starts with the articles of the run that first sees it, an outlet new to
// the mail with those of the run that first mails it.
//
// What was sent is in state/mail.txt (mail/mail_state.h), saved through
// `save` after every message the server accepted, so that the run's commit
// carries it: a recipient is never sent an article twice and never skips
// one. A failed send (server down, a 4xx/5xx reply) leaves that recipient's
// state as it was, and the next run sends it all again; a refused recipient
// does not stop the others. When the server itself fails (no connection,
// TLS, authentication), the recipients after it wait for the next run
// instead of each waiting out a timeout. Credentials come from
// NEWSMIRROR_SMTP_USER and NEWSMIRROR_SMTP_PASSWORD and go to libcurl only.
// Reports name recipients masked (MaskedAddress) and by key.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "archive/outlet_archive.h"
#include "config/config.h"
#include "util/status.h"

namespace nm {

struct DigestReport {
  std::string key;         // RecipientKey
  std::string to;          // the masked address
  bool due = false;        // a digest was to go out
  bool sent = false;
  int articles = 0;        // in the digest
  int waiting = 0;         // left for the next
  Status status;           // why it was not sent
};

struct MailReport {
  bool ran = false;        // the mail step looked at the mirror
  Status status;           // the step as a whole failed (state unreadable, …)
  std::vector<DigestReport> recipients;
  std::vector<std::string> warnings;  // an address skipped, an attachment left out
  bool AllSent() const;
};

// `new_articles`: outlet → articles this run archived (the newest ids of
// the outlet). `save` writes a state file (through the run's journal).
MailReport SendDigests(const std::string& root, const Config& config, const std::map<std::string, int>& new_articles,
                       int64_t now_ms, const std::function<Status(const PlannedWrite&)>& save);

}  // namespace nm
