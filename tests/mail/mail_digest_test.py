#!/usr/bin/python3
"""E-mail digests ([mail]) against a real SMTP server on loopback.

Each test starts aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1, on a port
the system picks, with a certificate made for the test (openssl), STARTTLS
required (or TLS from the first byte for smtps://) and AUTH required; then it
runs `newsmirror run` on file: feeds and reads what the server received with
Python's `email` package: the headers and the Chinese subject decode, the text
and HTML bodies carry the articles and the mirror's copies, the attachment's
bytes are the file's. A failed send (server down, 451 or 554 at DATA) is sent
again by the next run and nothing is mailed twice; a recipient refused with
550 does not stop the others and is retried alone; a full digest leaves the
rest for the next; "daily" waits for the next day.
"""
import argparse
import asyncio
import email
import email.policy
import email.utils
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

ARGS = None
USER, PASSWORD = "digest-user", "s3cret-pass-不可见"
ALICE, BOB = "alice@example.org", "bob@example.org"
BASE = 1672531200  # 2023-01-01T00:00:00Z


def rss(items):
    out = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>']
    for guid, title, when, content in items:
        out.append("<item><title>%s</title><link>https://news.example/a/%s</link><guid>%s</guid>"
                   "<pubDate>%s</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>"
                   % (title, guid, guid, email.utils.formatdate(when, usegmt=True), content))
    return "".join(out) + "</channel></rss>"


class SmtpServer:
    """aiosmtpd in a thread of its own; what it accepted is in `messages`."""

    def __init__(self, cert, key, implicit_tls=False, starttls=True):
        self.messages = []       # (rcpt_tos, raw bytes)
        self.auths = []          # (login, password) of every AUTH
        self.refuse = set()      # addresses answered 550 at RCPT
        self.data_reply = None   # e.g. "451 4.3.0 try again later"
        self.lock = threading.Lock()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        self.loop = asyncio.new_event_loop()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        server = self

        class Handler:
            async def handle_RCPT(self, srv, session, envelope, address, options):
                if address in server.refuse:
                    return "550 5.1.1 <%s>: Recipient address rejected" % address
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, srv, session, envelope):
                if server.data_reply:
                    return server.data_reply
                with server.lock:
                    server.messages.append((list(envelope.rcpt_tos), envelope.original_content))
                return "250 OK"

        def authenticator(srv, session, envelope, mechanism, data):
            if isinstance(data, LoginPassword):
                server.auths.append((data.login.decode(), data.password.decode()))
                if (data.login.decode(), data.password.decode()) == (USER, PASSWORD):
                    return AuthResult(success=True)
            return AuthResult(success=False, handled=False)

        def factory():
            if implicit_tls:
                return SMTP(Handler(), hostname="localhost", authenticator=authenticator, auth_required=True,
                            auth_require_tls=False, loop=self.loop)
            return SMTP(Handler(), hostname="localhost", authenticator=authenticator, auth_required=True,
                        tls_context=ctx if starttls else None, require_starttls=starttls, loop=self.loop)

        async def start():
            return await self.loop.create_server(factory, sock=self.sock, ssl=ctx if implicit_tls else None)

        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)

    def stop(self):
        async def close():
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def taken(self):
        """The messages received since the last call, parsed, by recipient."""
        with self.lock:
            got, self.messages = self.messages, []
        out = {}
        for rcpts, raw in got:
            assert len(rcpts) == 1, rcpts  # one transaction per recipient
            out.setdefault(rcpts[0], []).append(email.message_from_bytes(raw, policy=email.policy.default))
        return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class MailDigestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="nm-mail-certs-")
        cls.cert = os.path.join(cls.certs, "cert.pem")
        cls.key = os.path.join(cls.certs, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", cls.key, "-out", cls.cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nm-mail-")
        self.mirror = os.path.join(self.tmp, "mirror")
        self.items = []
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers --------------------------------------------------------------

    def start_server(self, **kw):
        self.server = SmtpServer(self.cert, self.key, **kw)
        return self.server

    def add_items(self, n, long_text=False):
        start = len(self.items)
        for i in range(start, start + n):
            text = "<p>第%d篇的第一段。</p><p>第二段 %s</p>" % (i, "很长的文字，" * (400 if long_text else 3))
            self.items.append(("g%d" % i, "美国之音新闻 第%d篇：拜登会晤岸田" % i, BASE + i * 3600, text))
        with open(os.path.join(self.tmp, "voa.xml"), "w", encoding="utf-8") as f:
            f.write(rss(self.items))

    def write_config(self, port, scheme="smtp", schedule="each-run", extra=""):
        with open(os.path.join(self.tmp, "newsmirror.toml"), "w", encoding="utf-8") as f:
            f.write('[archive]\nimage_proxy = ""\n'
                    '[publish]\nmirrors = [\n'
                    '  { name = "GitHub", url = "https://github.com/u/r", article = "https://github.com/u/r/blob/main/{path}" },\n'
                    '  { name = "网站", url = "https://u.example/r/", article = "https://u.example/r/outlets/{outlet}/{id}.html" },\n'
                    ']\n'
                    '[mail]\nserver = "%s://127.0.0.1:%d"\nfrom = "新闻镜像 <digest@mirror.example>"\n'
                    'to = ["%s", "Bob 读者 <%s>"]\nschedule = "%s"\nca_file = "%s"\ntimeout = 20\n%s'
                    '[[source]]\nname = "美国之音"\nurl = "file:voa.xml"\n'
                    % (scheme, port, ALICE, BOB, schedule, self.cert, extra))

    def run_mirror(self, *extra, expect=0):
        env = dict(os.environ, NEWSMIRROR_SMTP_USER=USER, NEWSMIRROR_SMTP_PASSWORD=PASSWORD,
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
        r = subprocess.run([ARGS.binary, "run", "--config", os.path.join(self.tmp, "newsmirror.toml"),
                            "--out", self.mirror, "--commit", "--json"] + list(extra),
                           capture_output=True, text=True, env=env, timeout=120)
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)
        self.assertEqual(r.returncode, expect, r.stderr)
        return json.loads(r.stdout), r.stderr

    def titles(self, msg):
        text = msg.get_body(("plain",)).get_content()
        return sorted(t for _, t, _, _ in self.items if t + "\n" in text)

    def state(self):
        with open(os.path.join(self.mirror, "state", "mail.txt"), encoding="utf-8") as f:
            return f.read()

    def all_titles(self):
        return sorted(t for _, t, _, _ in self.items)

    # -- the tests ------------------------------------------------------------

    def test_a_digest_parses_decodes_and_carries_the_attachment(self):
        server = self.start_server()
        os.makedirs(os.path.join(self.mirror, "bundles"))
        attachment = bytes(range(256)) * 40 + "离线阅读".encode()
        # The day in the list zone (+08:00) of the run: today, for {today}.
        import datetime
        today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")
        with open(os.path.join(self.mirror, "bundles", today + ".epub"), "wb") as f:
            f.write(attachment)
        self.add_items(3)
        self.write_config(server.port, extra='attach = "bundles/{today}.epub"\n')
        report, _ = self.run_mirror()
        self.assertTrue(report["mail"]["ok"], report["mail"])
        self.assertEqual(sorted(r["to"] for r in report["mail"]["recipients"]), ["a***@example.org", "b***@example.org"])
        got = server.taken()
        self.assertEqual(sorted(got), [ALICE, BOB])
        self.assertTrue(all((u, p) == (USER, PASSWORD) for u, p in server.auths), server.auths)
        for rcpt, msgs in got.items():
            self.assertEqual(len(msgs), 1)
            msg = msgs[0]
            self.assertEqual(msg["Subject"], "newsmirror：美国之音新闻 第2篇：拜登会晤岸田 等 3 篇")
            self.assertEqual(msg["From"].addresses[0].display_name, "新闻镜像")
            self.assertEqual(msg["From"].addresses[0].addr_spec, "digest@mirror.example")
            # Each recipient sees only its own address.
            self.assertEqual([a.addr_spec for a in msg["To"].addresses], [rcpt])
            if rcpt == BOB:
                self.assertEqual(msg["To"].addresses[0].display_name, "Bob 读者")
            self.assertEqual(msg["MIME-Version"], "1.0")
            self.assertTrue(msg["Message-ID"].endswith("@mirror.example>"), msg["Message-ID"])
            self.assertIsNotNone(email.utils.parsedate_to_datetime(msg["Date"]))
            self.assertEqual(msg.get_content_type(), "multipart/mixed")
            self.assertEqual(self.titles(msg), self.all_titles())
            text = msg.get_body(("plain",)).get_content()
            html = msg.get_body(("html",)).get_content()
            self.assertIn("第0篇的第一段。", text)
            self.assertIn("其他镜像", text)
            self.assertIn("若本页被封锁，请访问：", html)
            for _, title, _, _ in self.items:
                self.assertIn(title, html)
            # The links to the article's copies name files that are in the mirror.
            prefix = "https://github.com/u/r/blob/main/"
            links = [l.split(": ", 1)[1] for l in text.splitlines() if l.startswith("GitHub: " + prefix)]
            self.assertEqual(len(links), 3, text)
            for link in links:
                path = os.path.join(self.mirror, urllib.parse.unquote(link[len(prefix):]))
                self.assertTrue(os.path.isfile(path), path)
            self.assertIn('<a href="https://u.example/r/">网站</a>', html)
            parts = [p for p in msg.iter_attachments()]
            self.assertEqual(len(parts), 1)
            self.assertEqual(parts[0].get_filename(), today + ".epub")
            self.assertEqual(parts[0].get_content_type(), "application/epub+zip")
            self.assertEqual(parts[0].get_content(), attachment)
        # Nothing new: nothing is mailed again.
        report, _ = self.run_mirror()
        self.assertEqual(server.taken(), {})
        # One new article: each recipient gets it, and only it.
        self.add_items(1)
        self.run_mirror()
        got = server.taken()
        self.assertEqual({r: [self.titles(m) for m in msgs] for r, msgs in got.items()},
                         {ALICE: [[self.items[3][1]]], BOB: [[self.items[3][1]]]})
        # What was sent is committed, and no address or password is in the mirror.
        committed = subprocess.run(["git", "-C", self.mirror, "show", "HEAD:state/mail.txt"],
                                   capture_output=True, text=True, check=True).stdout
        self.assertEqual(committed, self.state())
        history = subprocess.run(["git", "-C", self.mirror, "log", "-p", "--all"], capture_output=True,
                                 check=True).stdout.decode("utf-8", "replace")
        for secret in (ALICE, BOB, PASSWORD, USER):
            self.assertNotIn(secret, history)
            for root, dirs, files in os.walk(self.mirror):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        self.assertNotIn(secret.encode(), f.read(), os.path.join(root, name))

    def test_a_send_to_a_server_that_is_down_is_retried_next_run(self):
        self.add_items(2)
        self.write_config(free_port())  # nothing listens there
        report, err = self.run_mirror(expect=2)
        self.assertFalse(report["mail"]["ok"])
        self.assertTrue(all(not r["sent"] and r["error"] for r in report["mail"]["recipients"]), report["mail"])
        self.assertIn("failed, sent again next run", err)
        self.assertIn("\tfailed\t", self.state())
        # The articles are archived and committed all the same.
        self.assertEqual(report["sources"][0]["new"], 2)
        server = self.start_server()
        self.write_config(server.port)
        self.run_mirror()
        got = server.taken()
        self.assertEqual({r: [self.titles(m) for m in msgs] for r, msgs in got.items()},
                         {ALICE: [self.all_titles()], BOB: [self.all_titles()]})
        self.assertNotIn("\tfailed\t", self.state())
        self.run_mirror()
        self.assertEqual(server.taken(), {})

    def test_a_refusal_at_data_is_retried_next_run_with_what_came_since(self):
        server = self.start_server()
        self.write_config(server.port)
        for reply in ("451 4.3.0 Try again later", "554 5.6.0 Message refused"):
            server.data_reply = reply
            self.add_items(1)
            report, err = self.run_mirror(expect=2)
            self.assertIn(reply.split()[0], err)
            self.assertEqual(server.taken(), {})
        server.data_reply = None
        self.add_items(1)
        self.run_mirror()
        got = server.taken()
        # All three articles, in one digest each, exactly once.
        self.assertEqual({r: [self.titles(m) for m in msgs] for r, msgs in got.items()},
                         {ALICE: [self.all_titles()], BOB: [self.all_titles()]})
        self.run_mirror()
        self.assertEqual(server.taken(), {})

    def test_a_refused_recipient_does_not_stop_the_others_and_is_retried_alone(self):
        server = self.start_server()
        server.refuse.add(BOB)
        self.add_items(2)
        self.write_config(server.port)
        report, err = self.run_mirror(expect=2)
        sent = {r["to"]: r["sent"] for r in report["mail"]["recipients"]}
        self.assertEqual(sent, {"a***@example.org": True, "b***@example.org": False})
        self.assertIn("550", err)
        self.assertNotIn(BOB, err)  # reports mask the address, also in the server's words
        got = server.taken()
        self.assertEqual(sorted(got), [ALICE])
        server.refuse.clear()
        self.add_items(1)
        self.run_mirror()
        got = server.taken()
        self.assertEqual(self.titles(got[ALICE][0]), [self.items[2][1]])
        self.assertEqual(self.titles(got[BOB][0]), self.all_titles())
        self.assertEqual(len(got[ALICE]) + len(got[BOB]), 2)

    def test_smtps_sends_over_tls_from_the_first_byte(self):
        server = self.start_server(implicit_tls=True)
        self.add_items(1)
        self.write_config(server.port, scheme="smtps")
        self.run_mirror()
        self.assertEqual(sorted(server.taken()), [ALICE, BOB])

    def test_smtp_without_starttls_sends_nothing_and_no_credentials(self):
        server = self.start_server(starttls=False)
        self.add_items(1)
        self.write_config(server.port)
        report, _ = self.run_mirror(expect=2)
        self.assertFalse(report["mail"]["ok"])
        self.assertEqual(server.taken(), {})
        self.assertEqual(server.auths, [])
        # The server's failure stops the run's other sends: it is not tried per recipient.
        errors = [r["error"] for r in report["mail"]["recipients"]]
        self.assertTrue(errors[1].startswith("not sent: "), errors)

    def test_a_full_digest_leaves_the_rest_for_the_next_run(self):
        server = self.start_server()
        # About 5 KB of bodies an article: three fit under 16 KB, seven need three digests.
        self.add_items(7, long_text=True)
        self.write_config(server.port, extra="max_kb = 16\nexcerpt_chars = 800\n")
        seen = {ALICE: [], BOB: []}
        digests = 0
        for _ in range(8):
            report, _ = self.run_mirror()
            got = server.taken()
            if not got:
                break
            for rcpt, msgs in got.items():
                for m in msgs:
                    digests += 1
                    seen[rcpt].extend(self.titles(m))
                    size = len(m.get_body(("plain",)).get_content().encode()) + len(
                        m.get_body(("html",)).get_content().encode())
                    self.assertLessEqual(size, 16 * 1024)
            waiting = {r["waiting"] for r in report["mail"]["recipients"]}
            if waiting != {0}:
                text = got[ALICE][0].get_body(("plain",)).get_content()
                self.assertIn("篇新文章将在下一封邮件中寄出", text)
        for rcpt in (ALICE, BOB):
            self.assertEqual(sorted(seen[rcpt]), self.all_titles(), "each article once, none lost")
        self.assertGreaterEqual(digests, 2 * 3, "the cap split the articles into several digests")
        self.assertNotIn("\tmore\t", self.state())

    def test_to_file_and_attach_are_read_only_inside_the_mirror(self):
        # A list and an attachment reached through symbolic links that point
        # out of the mirror are refused: their addresses get nothing, their
        # bytes go nowhere, and the digests go to `to` without the attachment.
        server = self.start_server()
        carol = "carol@example.org"
        outside = os.path.join(self.tmp, "outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "readers.txt"), "w", encoding="utf-8") as f:
            f.write(carol + "\n")
        secret = b"bytes from outside the mirror"
        with open(os.path.join(outside, "day.epub"), "wb") as f:
            f.write(secret)
        os.makedirs(os.path.join(self.mirror, "bundles"))
        os.symlink(outside, os.path.join(self.mirror, "people"))  # a linked folder
        os.symlink(os.path.join(outside, "day.epub"), os.path.join(self.mirror, "bundles", "day.epub"))  # a linked file
        self.add_items(1)
        self.write_config(server.port, extra='to_file = "people/readers.txt"\nattach = "bundles/day.epub"\n')
        report, err = self.run_mirror()
        warnings = report["mail"]["warnings"]
        self.assertTrue(any(w.startswith("[mail] to_file: ") and "people" in w and "symbolic link" in w
                            for w in warnings), warnings)
        self.assertTrue(any(w.startswith("[mail] attach: ") and "symbolic link" in w for w in warnings), warnings)
        self.assertIn("newsmirror: mail: [mail] to_file: ", err)
        got = server.taken()
        self.assertEqual(sorted(got), [ALICE, BOB])
        for msgs in got.values():
            self.assertEqual(list(msgs[0].iter_attachments()), [])
            self.assertNotIn(secret.decode(), msgs[0].as_string())
        # The same list as a file of the mirror is read, and its address gets its digest.
        os.remove(os.path.join(self.mirror, "people"))
        os.makedirs(os.path.join(self.mirror, "people"))
        shutil.copy(os.path.join(outside, "readers.txt"), os.path.join(self.mirror, "people", "readers.txt"))
        self.add_items(1)
        report, _ = self.run_mirror()
        self.assertFalse(any(w.startswith("[mail] to_file") for w in report["mail"]["warnings"]), report["mail"])
        self.assertEqual(sorted(server.taken()), [ALICE, BOB, carol])

    def test_daily_digests_wait_for_the_next_day(self):
        server = self.start_server()
        self.add_items(1)
        self.write_config(server.port, schedule="daily")
        self.run_mirror()
        self.assertEqual(sorted(server.taken()), [ALICE, BOB])
        self.add_items(1)
        self.run_mirror()
        self.assertEqual(server.taken(), {}, "a second digest the same day")
        # The day turns: the state says the last digest was the day before.
        path = os.path.join(self.mirror, "state", "mail.txt")
        lines = []
        for line in self.state().splitlines():
            f = line.split("\t")
            if f[0] == "to":
                f[2] = "2000-01-01T00:00:00Z"
            lines.append("\t".join(f))
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        self.run_mirror()
        got = server.taken()
        self.assertEqual({r: [self.titles(m) for m in msgs] for r, msgs in got.items()},
                         {ALICE: [[self.items[1][1]]], BOB: [[self.items[1][1]]]})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
