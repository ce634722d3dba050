#!/usr/bin/env python3
"""deploy/mirror-job.sh against a local bare remote, with feeds served on 127.0.0.1.

One story of hourly jobs on one mirror, each step checked on the remote:
  1. the first job, from an empty WORK_DIR, on an empty remote;
  2. the next hour, from the kept WORK_DIR;
  3. a concurrent push in between: while the job runs, another job (from an
     empty WORK_DIR) pushes the same outlets first; the push is rejected and
     the job runs again on the new tip. A third job on the locked WORK_DIR
     stops at once with status 6;
  4. --shard 1/2 (kept WORK_DIR) and --shard 2/2 (empty WORK_DIR) racing:
     both fetch before either pushes, so one push is rejected and its commit is
     cherry-picked onto the other's;
  5. a push the remote refuses: status 5, the commit stays in WORK_DIR, and the
     next job pushes it with its own;
  6. a remote that cannot be reached: status 4.
Afterwards every commit of the remote's history is checked, not only the last:
every article served is in exactly one file (no link twice, no id twice), the
state records and the article files match one to one (file names and blob
ids), no commit loses an article, and the history is linear.

Usage: mirror_job_test.py --binary build/newsmirror --script deploy/mirror-job.sh
"""

import argparse
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email.utils import formatdate

CANDIDATES = ["甲报", "乙报", "丙报", "丁报", "戊报", "己报", "庚报", "辛报"]
T0 = 1767225600  # 2026-01-01T00:00:00Z; item n of an outlet is published n hours later

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


class Feeds:
    """The feeds on 127.0.0.1: /feed/{k}.xml holds items 1..n of outlet k,
    n read from the file `count` at each request (so a job's hook can move it
    with `echo N > count`)."""

    def __init__(self, outlets, count):
        self.outlets = outlets
        self.count = count
        self.n = 0
        feeds = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                m = re.fullmatch(r"/feed/(\d+)\.xml", self.path)
                if not m or int(m.group(1)) >= len(feeds.outlets):
                    self.send_error(404)
                    return
                body = feeds.render(int(m.group(1)))
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def n(self):
        with open(self.count) as f:
            return int(f.read())

    @n.setter
    def n(self, value):
        with open(self.count, "w") as f:
            f.write("%d\n" % value)

    def link(self, k, i):
        return "https://news.example.org/%d/story-%d.html" % (k, i)

    def render(self, k):
        items = []
        for i in range(self.n, 0, -1):
            items.append(
                "<item><title>%s 第%d条新闻</title><link>%s</link><guid>%d-%d</guid>"
                "<pubDate>%s</pubDate><description>&lt;p&gt;%s 的第 %d 条报道。&lt;/p&gt;</description></item>"
                % (self.outlets[k], i, self.link(k, i), k, i, formatdate(T0 + i * 3600, usegmt=True),
                   self.outlets[k], i))
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title>'
                "<link>https://news.example.org/</link>%s</channel></rss>\n"
                % (self.outlets[k], "".join(items))).encode()

    def url(self, k):
        return "http://127.0.0.1:%d/feed/%d.xml" % (self.port, k)

    def served(self):
        """Every link served so far, by outlet."""
        return {o: {self.link(k, i) for i in range(1, self.n + 1)} for k, o in enumerate(self.outlets)}


def write_config(path, feeds, names, indexes):
    with open(path, "w", encoding="utf-8") as f:
        f.write('[archive]\nimage_proxy = ""\n[publish]\nremotes = []\n')
        for name, k in zip(names, indexes):
            f.write('[[source]]\nname = "%s"\nurl = "%s"\n' % (name, feeds.url(k)))


def git(*args, cwd=None, check_rc=True):
    p = subprocess.run(["git"] + list(args), cwd=cwd, capture_output=True)
    if check_rc and p.returncode != 0:
        raise RuntimeError("git %s: %s" % (" ".join(args), p.stderr.decode(errors="replace")))
    return p.stdout


class Remote:
    """Reads the bare remote's history."""

    def __init__(self, path):
        self.path = path
        self.blobs = {}

    def commits(self):
        out = git("rev-list", "--reverse", "--parents", "main", cwd=self.path).decode().split("\n")
        return [line.split() for line in out if line]

    def read_blobs(self, oids):
        missing = [o for o in oids if o not in self.blobs]
        if not missing:
            return
        p = subprocess.run(["git", "cat-file", "--batch"], cwd=self.path, input="\n".join(missing).encode() + b"\n",
                           capture_output=True, check=True)
        data, pos = p.stdout, 0
        while pos < len(data):
            nl = data.index(b"\n", pos)
            oid, _, size = data[pos:nl].decode().split()
            self.blobs[oid] = data[nl + 1:nl + 1 + int(size)]
            pos = nl + 1 + int(size) + 1

    def tree(self, commit):
        """{outlet: {"files": {name: (oid, link)}, "records": [(file, blob, link)]}}"""
        out = git("ls-tree", "-r", "-z", commit, cwd=self.path).split(b"\0")
        entries = []
        for e in out:
            if e:
                meta, path = e.split(b"\t", 1)
                entries.append((meta.split()[2].decode(), path.decode()))
        self.read_blobs([oid for oid, path in entries
                         if path.startswith("articles/") or (path.startswith("state/") and path.endswith(".tsv"))])
        outlets = {}
        for oid, path in entries:
            parts = path.split("/")
            if parts[0] == "articles" and len(parts) == 3:
                lines = self.blobs[oid].decode().split("\n")
                m = re.fullmatch(r"\[.*\]\((.*)\)", lines[1]) if len(lines) > 1 else None
                check(m is not None, "%s %s: no [title](link) line" % (commit[:12], path))
                outlets.setdefault(parts[1], {"files": {}, "records": []})["files"][parts[2]] = (
                    oid, m.group(1) if m else None)
            elif parts[0] == "state" and len(parts) == 3 and parts[2] != "feed.tsv":
                for line in self.blobs[oid].decode().split("\n"):
                    if line and not line.startswith("#"):
                        f = line.split("\t")
                        outlets.setdefault(parts[1], {"files": {}, "records": []})["records"].append(
                            (f[3], f[2], f[5]))
        return outlets


def links_of(tree):
    return {o: {link for _, link in t["files"].values()} for o, t in tree.items()}


def check_history(remote, served):
    """Every commit's tree, and the last one against everything served."""
    previous = {}
    last = None
    commits = remote.commits()
    for c in commits:
        commit = c[0]
        check(len(c) <= 2, "%s is a merge: the job replays, it never merges" % commit[:12])
        tree = remote.tree(commit)
        for outlet, t in tree.items():
            links = Counter(link for _, link in t["files"].values())
            check(all(n == 1 for n in links.values()),
                  "%s: %s holds an article twice: %s" % (commit[:12], outlet, [l for l, n in links.items() if n > 1]))
            ids = Counter(name.split("_")[0].split(".")[0] for name in t["files"])
            check(all(n == 1 for n in ids.values()), "%s: %s uses an id twice" % (commit[:12], outlet))
            records = {f: (blob, link) for f, blob, link in t["records"]}
            check(len(records) == len(t["records"]), "%s: %s has two records of one file" % (commit[:12], outlet))
            check(set(records) == set(t["files"]),
                  "%s: %s: state and files differ: %s" % (commit[:12], outlet, set(records) ^ set(t["files"])))
            for name, (oid, link) in t["files"].items():
                if name in records:
                    check(records[name] == (oid, link),
                          "%s: %s/%s: record %s, file %s" % (commit[:12], outlet, name, records[name], (oid, link)))
        now = links_of(tree)
        for outlet, links in previous.items():
            check(links <= now.get(outlet, set()),
                  "%s lost articles of %s: %s" % (commit[:12], outlet, links - now.get(outlet, set())))
        previous = now
        last = now
    check(last == {o: s for o, s in served.items() if s},
          "the remote's last commit holds %s, the feeds served %s" % (
              {o: len(s) for o, s in (last or {}).items()}, {o: len(s) for o, s in served.items()}))
    return len(commits)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--script", required=True)
    a = ap.parse_args()
    binary, script = os.path.abspath(a.binary), os.path.abspath(a.script)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="mirror-job-test-")
    try:
        return run(binary, script, tmp, started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(binary, script, tmp, started):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(HOME=tmp, GIT_CONFIG_NOSYSTEM="1", NO_PROXY="127.0.0.1,localhost",
               GIT_AUTHOR_NAME="job", GIT_AUTHOR_EMAIL="job@localhost",
               GIT_COMMITTER_NAME="job", GIT_COMMITTER_EMAIL="job@localhost")
    for k in ("NEWSMIRROR_GIT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "MIRROR_JOB_BRANCH", "MIRROR_JOB_CHECKOUT"):
        env.pop(k, None)

    # Outlets: two of each shard of 2, as newsmirror itself splits them.
    everyone = Feeds(CANDIDATES, os.path.join(tmp, "probe.count"))
    everyone.n = 1
    probe = os.path.join(tmp, "probe.toml")
    write_config(probe, everyone, CANDIDATES, range(len(CANDIDATES)))
    p = subprocess.run([binary, "run", "--config", probe, "--out", os.path.join(tmp, "probe"), "--shard", "1/2",
                        "--dry-run", "--json"], capture_output=True, env=env)
    first = {s["name"] for s in json.loads(p.stdout)["sources"]}
    everyone.server.shutdown()
    shard1 = [n for n in CANDIDATES if n in first][:2]
    shard2 = [n for n in CANDIDATES if n not in first][:2]
    if not check(len(shard1) == 2 and len(shard2) == 2, "shards of the candidates: %s" % first):
        return 1
    outlets = shard1 + shard2
    count = os.path.join(tmp, "count")
    feeds = Feeds(outlets, count)
    config = os.path.join(tmp, "newsmirror.toml")
    write_config(config, feeds, outlets, range(len(outlets)))

    bare = os.path.join(tmp, "remote.git")
    git("init", "-q", "--bare", "-b", "main", bare)
    git("config", "uploadpack.allowFilter", "true", cwd=bare)
    remote_url = "file://" + bare
    remote = Remote(bare)

    # NEWSMIRROR_BIN for the jobs: runs MJT_HOOK once per job (MJT_FLAG), then newsmirror.
    wrapper = os.path.join(tmp, "newsmirror-hooked")
    with open(wrapper, "w") as f:
        f.write('#!/bin/bash\nif [ -n "${MJT_HOOK:-}" ] && [ ! -e "$MJT_FLAG" ]; then\n'
                '  : > "$MJT_FLAG"; bash -c "$MJT_HOOK" || exit 99\nfi\nexec "$MJT_REAL" "$@"\n')
    os.chmod(wrapper, 0o755)

    def job(name, work, *options, hook=None, wait=True, url=remote_url):
        e = dict(env, NEWSMIRROR_BIN=binary)
        if hook:
            e.update(NEWSMIRROR_BIN=wrapper, MJT_REAL=binary, MJT_HOOK=hook,
                     MJT_FLAG=os.path.join(tmp, name + ".flag"))
        log = open(os.path.join(tmp, name + ".log"), "w+")
        proc = subprocess.Popen([script, url, os.path.join(tmp, work), "--config", config, "-v"] + list(options),
                                stdout=log, stderr=subprocess.STDOUT, env=e)
        if not wait:
            return proc, log
        return finish(name, proc, log)

    def finish(name, proc, log):
        rc = proc.wait(timeout=120)
        log.seek(0)
        text = log.read()
        log.close()
        print("--- %s: status %d (%.1f s into the test)\n%s" % (name, rc, time.monotonic() - started, text.rstrip()))
        return rc, text

    def head():
        return git("rev-parse", "-q", "--verify", "main", cwd=bare, check_rc=False).decode().strip()

    def tip_holds_served(step):
        check(links_of(remote.tree("main")) == {o: s for o, s in feeds.served().items() if s},
              "%s: the remote's tip does not hold exactly what was served" % step)

    # 1. From an empty WORK_DIR on an empty remote.
    feeds.n = 3
    rc, out = job("first", "a")
    check(rc == 0, "first job: status %d" % rc)
    check(os.path.isfile(os.path.join(tmp, "a", "mirror", "state", outlets[0], "feed.tsv")),
          "first job: state/ is checked out")
    tip_holds_served("first job")
    check("pushed" in out, "first job: pushed")

    # 2. The next hour, from the kept WORK_DIR; the checkout stays sparse.
    feeds.n = 5
    rc, out = job("kept", "a")
    check(rc == 0, "kept job: status %d" % rc)
    check("updated to" not in out and "fetched" not in out, "kept job: no new clone")
    tip_holds_served("kept job")
    check(subprocess.run(["git", "config", "core.sparseCheckout"], cwd=os.path.join(tmp, "a", "mirror"),
                         capture_output=True).stdout.strip() == b"true", "kept job: the checkout is sparse")

    # 3. Another job pushes the same outlets while this one runs; a third job
    # on the same WORK_DIR finds it locked.
    feeds.n = 6
    before = head()
    hook = ("%s %s %s --config %s -q; echo $? > %s\n" % (
        shlex.quote(script), shlex.quote(remote_url), shlex.quote(os.path.join(tmp, "a")), shlex.quote(config),
        shlex.quote(os.path.join(tmp, "locked.status")))
        + "NEWSMIRROR_BIN=%s MJT_HOOK= %s %s %s --config %s -v > %s 2>&1 || exit 1\n" % (
            shlex.quote(binary), shlex.quote(script), shlex.quote(remote_url), shlex.quote(os.path.join(tmp, "b")),
            shlex.quote(config), shlex.quote(os.path.join(tmp, "other.log")))
        + "echo 7 > %s\n" % shlex.quote(count))
    rc, out = job("race", "a", hook=hook)
    with open(os.path.join(tmp, "other.log")) as f:
        print("--- the other job (inside the hook)\n" + f.read().rstrip())
    with open(os.path.join(tmp, "locked.status")) as f:
        check(f.read().strip() == "6", "a job on a locked WORK_DIR: status 6")
    check(rc == 0, "racing job: status %d" % rc)
    check("push rejected" in out and "running again" in out,
          "racing job: rejected, then ran again on the other job's tip")
    commits = [c[0] for c in remote.commits()]
    check(len(commits) - 1 - commits.index(before) == 2,
          "racing job: the other job's commit and its own follow the earlier tip")
    tip_holds_served("racing job")

    # 4. Two shards racing: each waits until both have fetched.
    feeds.n = 8
    barrier = ('touch %s/ready.$MJT_SHARD; for i in $(seq 600); do '
               '[ -e %s/ready.1 ] && [ -e %s/ready.2 ] && exit 0; sleep 0.05; done; exit 1') % (
        shlex.quote(tmp), shlex.quote(tmp), shlex.quote(tmp))
    env["MJT_SHARD"] = "1"
    p1 = job("shard1", "a", "--shard", "1/2", hook=barrier, wait=False)
    env["MJT_SHARD"] = "2"
    p2 = job("shard2", "c", "--shard", "2/2", hook=barrier, wait=False)
    del env["MJT_SHARD"]
    rc1, out1 = finish("shard1", *p1)
    rc2, out2 = finish("shard2", *p2)
    check(rc1 == 0 and rc2 == 0, "shards: status %d and %d" % (rc1, rc2))
    replays = [o for o in (out1, out2) if "replayed 1 commit(s)" in o]
    check(len(replays) == 1, "shards: exactly one shard's commit was cherry-picked onto the other's")
    check(all("running again" not in o for o in (out1, out2)), "shards: no shard ran again")
    tip_holds_served("shards")

    # 5. The remote refuses a push: the commit is kept and pushed by the next job.
    hooks = os.path.join(bare, "hooks")
    flag = os.path.join(tmp, "refuse")
    with open(os.path.join(hooks, "pre-receive"), "w") as f:
        f.write('#!/bin/sh\nif [ -e %s ]; then echo "refused by the test" >&2; exit 1; fi\n' % shlex.quote(flag))
    os.chmod(os.path.join(hooks, "pre-receive"), 0o755)
    open(flag, "w").close()
    feeds.n = 9
    before = head()
    rc, out = job("refused", "a")
    check(rc == 5, "refused push: status %d" % rc)
    check(head() == before, "refused push: the remote is unchanged")
    check("kept in" in out, "refused push: the message says the commit is kept")
    os.unlink(flag)
    feeds.n = 10
    rc, out = job("after-refused", "a")
    check(rc == 0, "the job after a refused push: status %d" % rc)
    check("could not push" in out, "the job after a refused push: it found the earlier commit")
    tip_holds_served("the job after a refused push")

    # 6. A remote that is not there: status 4, and nothing run.
    rc, out = job("unreachable", "x", url="file://" + os.path.join(tmp, "no-such-remote.git"))
    check(rc == 4 and "cannot clone" in out and "running" not in out, "unreachable remote: status %d" % rc)

    n = check_history(remote, feeds.served())
    elapsed = time.monotonic() - started
    print("%d commits checked; %d failures; %.1f s" % (n, len(failures), elapsed))
    feeds.server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
