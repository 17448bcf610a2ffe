"""Serve a built site locally, as ``make serve`` and ``make devserver`` do.

    python tools/serve.py OUTPUT [--bind 127.0.0.1] [--port 8000] [-- COMMAND ...]
    python tools/serve.py --check [--bind 127.0.0.1] [--port 8000]

Standard library only. Unlike Pelican's ``pelican -l`` server, which answers a missing page
with an empty reply, a missing page gets the site's ``404.html`` with status 404; and a
busy port stops it at once with one line (``--check`` only says whether the port is free).

With a COMMAND (``make devserver``: Pelican's rebuild loop), the port is taken first, then
the command runs in a process group of its own while the site is served; when the server
stops (Ctrl-C, SIGTERM, SIGHUP) or the command ends, the whole group is stopped, so no
rebuilding or serving process is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import os
import re
import signal
import subprocess
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEFAULT_PORT = 8000
NOT_FOUND_PAGE = "404.html"
# Seconds the command's process group has to stop after SIGTERM before it gets SIGKILL:
# Pelican finishes writing a page within this, a rebuild in progress is simply cut short.
STOP_TIMEOUT = 5.0
# The local build's pages link relatively ("./theme/css/site.css"), right for 404.html at
# the root of the site; served for a missing page at any depth, its links must start at "/".
RELATIVE_LINK = re.compile(rb'(\b(?:href|src)=")\./')


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of the output folder; a missing one gets ``404.html`` with status 404."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = RELATIVE_LINK.sub(rb"\1/", page.read_bytes())
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    # Never share the port with a server already listening on it.
    allow_reuse_port = False


def busy_message(bind: str, port: int, err: OSError) -> str:
    reason = "the port is in use" if err.errno == errno.EADDRINUSE else err.strerror
    return f"cannot serve on http://{bind}:{port}/: {reason} (choose another with PORT=...)"


def port_problem(bind: str, port: int) -> str | None:
    """One line saying why ``bind:port`` cannot be served, or None when it is free."""
    try:
        server = SiteServer((bind, port), SimpleHTTPRequestHandler, bind_and_activate=True)
    except OSError as err:
        return busy_message(bind, port, err)
    server.server_close()
    return None


def start_command(command: list[str]) -> subprocess.Popen:
    """``command`` in a new session: its process group is stopped as one."""
    return subprocess.Popen(command, start_new_session=True)


def stop_command(child: subprocess.Popen) -> None:
    """Stop ``child`` and every process of its group (e.g. Pelican under watchfiles)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=STOP_TIMEOUT)
    # The leader may be gone while a process it started is not: the group still answers.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(output: str, bind: str, port: int, command: list[str]) -> int:
    handler = functools.partial(SiteHandler, directory=output)
    try:
        server = SiteServer((bind, port), handler)
    except OSError as err:
        print(busy_message(bind, port, err), file=sys.stderr)
        return 1
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    child = start_command(command) if command else None
    print(f"Serving {output}/ at http://{bind}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    code = 0
    try:
        if child is None:
            server.serve_forever()
        else:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            code = child.wait()
            print(f"serve: {command[0]} ended with status {code}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        if child is not None:
            stop_command(child)
        server.server_close()
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default="output", help="the built site's folder")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    parser.add_argument("--check", action="store_true", help="only check that the port is free")
    args = parser.parse_args(argv)
    if args.check:
        problem = port_problem(args.bind, args.port)
        if problem:
            print(problem)
        return 1 if problem else 0
    return serve(args.output.rstrip("/") or "/", args.bind, args.port, command)


if __name__ == "__main__":
    sys.exit(main())
