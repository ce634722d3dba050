#!/usr/bin/env python3
"""A `git fast-import` stream that commits the listed files on top of HEAD.

For bench/commit_bench.sh: fast_import_commit.py PATHS_FILE | git fast-import
Each listed file of the work tree goes in with its bytes (a missing one is
removed); the commit's parent is HEAD, its branch HEAD's.
"""

import os
import subprocess
import sys
import time


def main():
    paths = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\n") if p]
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    branch = subprocess.run(["git", "symbolic-ref", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    out = sys.stdout.buffer
    out.write(b"commit %s\ncommitter bench <bench@localhost> %d +0000\ndata 4\nrun\nfrom %s\n" %
              (branch.encode(), int(time.time()), head.encode()))
    for p in paths:
        if os.path.isfile(p):
            with open(p, "rb") as f:
                data = f.read()
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (p.encode(), len(data), data))
        else:
            out.write(b"D %s\n" % p.encode())
    out.write(b"\ndone\n")


if __name__ == "__main__":
    main()
