"""Publish a site safely, as ``make publish`` does.

    python tools/publish.py OUTPUT -- PELICAN_COMMAND ...

The command (a Pelican build) is run with ``-o OUTPUT.new`` added; only when it succeeds is
``OUTPUT.new`` swapped in for ``OUTPUT``. So:

- a failed build leaves the published folder as it was, and says so in one line;
- two publishes of one folder at once never share ``OUTPUT.new``: the whole publish (clean
  up, build, swap) holds an exclusive lock on ``.OUTPUT.publish.lock`` beside the folder,
  and a second publish says once that it waits, then runs after the first;
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
    """Hold the exclusive lock of ``output``'s publishing; say once when waiting for it."""
    lock_path = output.parent / f".{output.name}.publish.lock"
    with open(lock_path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"publish: waiting for another publish of {output}/ to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
