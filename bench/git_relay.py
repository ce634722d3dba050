#!/usr/bin/env python3
"""A TCP relay in front of `git daemon` that counts what each connection moves.

Listens on 127.0.0.1 (a free port, printed on standard output) and forwards
every connection to 127.0.0.1:TARGET_PORT. When a connection closes it
appends one line to LOG: the service the client asked for (git-upload-pack
for clones and fetches, git-receive-pack for pushes), the bytes the client
sent and the bytes it received. bench/hourly_job.sh reads the lines of each
step to report the bytes it transferred.

Usage: git_relay.py TARGET_PORT LOG
"""

import asyncio
import sys

TARGET = int(sys.argv[1])
LOG = sys.argv[2]


async def pipe(reader, writer, counter, first=None):
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if first is not None and not first:
                first.append(data[:200])
            counter[0] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def handle(client_reader, client_writer):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", TARGET)
    up, down, first = [0], [0], []
    await asyncio.gather(pipe(client_reader, server_writer, up, first), pipe(server_reader, client_writer, down))
    head = first[0] if first else b""
    service = "git-receive-pack" if b"git-receive-pack" in head else "git-upload-pack"
    with open(LOG, "a") as f:
        f.write("%s %d %d\n" % (service, up[0], down[0]))
    for w in (client_writer, server_writer):
        w.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
