"""Publish a site safely, as ``make publish`` does.

    python tools/publish.py OUTPUT -- PELICAN_COMMAND ...

The command (a Pelican build) is run with ``-o OUTPUT.new`` added; only when it succeeds is
``OUTPUT.new`` swapped in for ``OUTPUT``. So:

- a failed build leaves the published folder as it was, and says so in one line;
- two publishes of one folder at once never share ``OUTPUT.new``: the whole publish (clean
  up, build, swap) holds an exclusive lock on ``.OUTPUT.publish.lock`` beside the folder
  (removed when it ends), and a second publish says once that it waits, then runs after
  the first;
- a publish killed between the two renames of the swap (``OUTPUT`` moved to
  ``OUTPUT.old``, ``OUTPUT.new`` not yet moved in) is repaired by the next publish, which
  puts ``OUTPUT.old`` back before anything else.

Standard library only; POSIX (``fcntl``).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def publish_lock(output: Path) -> Iterator[None]:
    """Hold the exclusive lock of ``output``'s publishing; say once when waiting for it.

    The lock file is removed when the publish ends, so nothing is left beside the site. A
    publish that was waiting on the file its predecessor removed finds the path gone (or
    another file there) once it gets that lock, and tries again on the path's file."""
    lock_path = output.parent / f".{output.name}.publish.lock"
    said = False
    while True:
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until the end
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                print(
                    f"publish: waiting for another publish of {output}/ to finish", file=sys.stderr
                )
                said = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        handle.close()  # lets go of the lock


def restore_interrupted_swap(output: Path, old: Path) -> None:
    """A publish killed between its two renames left no ``output`` but an ``output.old``:
    the site last published is put back."""
    if old.exists() and not output.exists():
        old.rename(output)


def publish(output: Path, command: list[str]) -> int:
    new = output.with_name(output.name + ".new")
    old = output.with_name(output.name + ".old")
    with publish_lock(output):
        restore_interrupted_swap(output, old)
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        status = subprocess.call([*command, "-o", str(new)])
        if status != 0:
            shutil.rmtree(new, ignore_errors=True)
            print(f"publish: the build failed; {output}/ was left as it was", file=sys.stderr)
            return 1
        if output.exists():
            output.rename(old)
        new.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="the published folder")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the build command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no build command after --")
    output = Path(os.path.normpath(args.output))
    return publish(output, command)


if __name__ == "__main__":
    sys.exit(main())
