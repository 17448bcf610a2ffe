"""The Make targets that could hurt the user: publish and github without SITEURL, serve on a
missing page, devserver on a busy port and when it is stopped. Real make, real ports, real
processes, each bounded by a timeout."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import LEAD_DUMP, REPO_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

MAKE_TIMEOUT = 60  # seconds for a make run that must stop by itself
# The devserver's first build of a two-dump site takes a few seconds; more on a busy machine.
FIRST_PAGE_TIMEOUT = 120
STOP_TIMEOUT = 30  # seconds for make and every process under it to end once stopped
# Pelican starts watching for changes only once a build has finished (search index
# included), so a file written before that is not seen: it is written again this often
# until its page appears.
POKE_EVERY = 3.0


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SITEURL", "MAKEFLAGS", "PORT"}}
    return {**env, **extra}


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO_ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """No program listens on ``port`` (connections the server closed may still linger in
    TIME_WAIT, which SO_REUSEADDR lets a new server ignore, as every server does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def _busy_port() -> Iterator[int]:
    """A port that another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _processes_naming(text: str) -> list[str]:
    """Command lines of the running processes that mention ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


def _get(port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_for(port: int, path: str, timeout: float, proc: subprocess.Popen, poke=None) -> None:
    """Wait until ``path`` is served; ``poke()``, if given, is called every POKE_EVERY s."""
    deadline = time.monotonic() + timeout
    poked = 0.0
    while time.monotonic() < deadline:
        if poke is not None and time.monotonic() - poked > POKE_EVERY:
            poke()
            poked = time.monotonic()
        assert proc.poll() is None, "make ended early: " + proc.stderr.read()
        try:
            if _get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{path} was not served within {timeout} s")


def _start(*args: str) -> subprocess.Popen:
    """make in a session of its own, as in a terminal: Ctrl-C is SIGINT to its group."""
    return subprocess.Popen(
        ["make", "--no-print-directory", *args],
        cwd=REPO_ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen, how: str) -> None:
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:  # a supervisor stopping make alone
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT)
        raise AssertionError(f"make did not stop within {STOP_TIMEOUT} s of {how}") from None


def _assert_nothing_left(marker: str, port: int) -> None:
    deadline = time.monotonic() + STOP_TIMEOUT
    while _processes_naming(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _processes_naming(marker)
    for line in left:  # clean up before failing, so that the test leaves nothing either
        os.kill(int(line.split(":")[0]), signal.SIGKILL)
    assert not left, "processes left behind:\n" + "\n".join(left)
    assert _port_is_free(port)


# --- publish and github ----------------------------------------------------------------------


@pytest.mark.parametrize("goal", ["publish", "github"])
@pytest.mark.parametrize("siteurl", [None, ""])
def test_publish_without_siteurl_stops_with_one_line(
    goal: str, siteurl: str | None, tmp_path: Path
) -> None:
    out = tmp_path / "output"
    env = _env() if siteurl is None else _env(SITEURL=siteurl)
    proc = _make(goal, f"OUTPUTDIR={out}", env=env)
    assert proc.returncode != 0
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert f"SITEURL is not set: make {goal} needs the site's address" in line
    assert not out.exists() and not (tmp_path / "output.new").exists()


def test_publish_with_siteurl_builds_for_it(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    (content / "2023-05-10-harbour.txt").write_text(LEAD_DUMP, encoding="utf-8")
    proc = _make(
        "publish",
        f"INPUTDIR={content}",
        f"OUTPUTDIR={out}",
        env=_env(SITEURL="https://news.example.org/site"),
    )
    assert proc.returncode == 0, proc.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "https://news.example.org/site/2023/05/10/" in home
    assert "example.invalid" not in home


def test_two_publishes_at_once_wait_for_each_other(tmp_path: Path) -> None:
    """Both finish, one after the other: neither empties the other's output.new/."""
    content, out = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    (content / "2023-05-10-harbour.txt").write_text(LEAD_DUMP, encoding="utf-8")
    args = ["make", "--no-print-directory", "publish", f"INPUTDIR={content}", f"OUTPUTDIR={out}"]
    env = _env(SITEURL="https://news.example.org")
    procs = [
        subprocess.Popen(
            args, cwd=REPO_ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [(proc.wait(timeout=MAKE_TIMEOUT * 2), *proc.communicate()) for proc in procs]
    assert [status for status, _, _ in results] == [0, 0], results
    assert any("waiting for another publish" in err for _, _, err in results)
    assert "https://news.example.org/2023/05/10/" in (out / "index.html").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if "output" in p.name) == ["output"]


def test_a_failed_publish_puts_back_a_site_left_by_a_killed_swap(tmp_path: Path) -> None:
    """A publish killed between its renames left output.old and no output: the next publish
    restores it, and a failing build then leaves it as it was."""
    old = tmp_path / "output.old"
    old.mkdir()
    (old / "index.html").write_text("published", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "tools" / "publish.py"),
            str(tmp_path / "output"),
            "--",
            sys.executable,
            "-c",
            "raise SystemExit(2)",
        ],
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT,
    )
    assert proc.returncode == 1
    assert "the build failed" in proc.stderr
    assert (tmp_path / "output" / "index.html").read_text(encoding="utf-8") == "published"
    assert not old.exists() and not (tmp_path / "output.new").exists()


# --- serve -----------------------------------------------------------------------------------


def test_serve_answers_a_missing_page_with_the_sites_404_page(site) -> None:
    port = _free_port()
    proc = _start("serve", f"OUTPUTDIR={site.output}", f"PORT={port}")
    try:
        _wait_for(port, "/", MAKE_TIMEOUT, proc)
        status, body = _get(port, "/2023/05/10/no-such-story/")
        assert status == 404
        assert b"Page not found" in body
        # Its links start at the root, whatever the depth of the missing address.
        assert b'href="/theme/css/site.css"' in body and b'href="./' not in body
        assert _get(port, "/no/such/page.html", method="HEAD") == (404, b"")
        status, body = _get(port, "/2023/05/10/")
        assert status == 200 and b"Page not found" not in body
    finally:
        _stop(proc, "ctrl-c")
    _assert_nothing_left(str(site.output), port)


@pytest.mark.parametrize("goal", ["serve", "devserver"])
def test_a_busy_port_stops_serve_and_devserver_with_one_line(goal: str, tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    (content / "2023-05-10-harbour.txt").write_text(LEAD_DUMP, encoding="utf-8")
    with _busy_port() as port:
        proc = _make(goal, f"INPUTDIR={content}", f"OUTPUTDIR={out}", f"PORT={port}")
    assert proc.returncode != 0
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert f"cannot serve on http://127.0.0.1:{port}/: the port is in use" in line
    assert not out.exists()  # nothing was built
    assert not _processes_naming(str(tmp_path))


# --- devserver -------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm to make"])
def test_devserver_rebuilds_and_leaves_no_process_when_stopped(how: str, tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    (content / "2023-05-10-harbour.txt").write_text(LEAD_DUMP, encoding="utf-8")
    port = _free_port()
    proc = _start("devserver", f"INPUTDIR={content}", f"OUTPUTDIR={out}", f"PORT={port}")
    try:
        _wait_for(port, "/2023/05/10/", FIRST_PAGE_TIMEOUT, proc)
        assert _processes_naming(str(out)), "no rebuild process is running"
        if how == "ctrl-c":  # a new dump is built while it runs
            new = LEAD_DUMP.replace("Harbour bridge closed", "Ferry pier reopened")
            dump = content / "2023-05-11-ferry.txt"
            _wait_for(
                port,
                "/2023/05/11/",
                FIRST_PAGE_TIMEOUT,
                proc,
                poke=lambda: dump.write_text(new, encoding="utf-8"),
            )
    finally:
        _stop(proc, how)
    _assert_nothing_left(str(tmp_path), port)
