"""Feedback on long builds: a progress bar, and one summary line at the end.

The bar (rich, which Pelican already uses for its console) appears only on a terminal and
only once the build has run for :data:`SHOW_AFTER_SECONDS`, so quick builds, CI logs and
tests print nothing extra. The summary line is printed by :func:`summary` at ``finalized``.
The clock is used for this feedback only, never in a written file.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: A build shorter than this shows no progress bar.
SHOW_AFTER_SECONDS = 2.0


class BuildClock(logging.Handler):
    """The start time of one build and the warnings (and worse) logged while it runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.started = time.perf_counter()
        self.warnings = 0
        self.dumps = 0
        self.pages: Any = None  # news_digest.incremental.render.RenderStats

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings += 1

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def clock_of(settings: Mapping[str, Any]) -> BuildClock | None:
    from .session import session_of

    session = session_of(settings)
    return session.clock if session is not None else None


def start(settings: Mapping[str, Any]) -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, BuildClock)]:
        root.removeHandler(handler)  # left by a build that crashed
    from .session import session_of

    session = session_of(settings)
    clock = BuildClock()
    if session is not None:
        session.clock = clock
    root.addHandler(clock)


def record(settings: Mapping[str, Any], dumps: int, pages: Any) -> None:
    """What the build made, for the summary line."""
    clock = clock_of(settings)
    if clock is not None:
        clock.dumps, clock.pages = dumps, pages


def stop(settings: Mapping[str, Any]) -> BuildClock | None:
    clock = clock_of(settings)
    if clock is not None:
        from .session import session_of

        session_of(settings).clock = None
        logging.getLogger().removeHandler(clock)
    return clock


def _interactive() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def build_progress(
    settings: Mapping[str, Any], label: str, total: int
) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n)``; a bar is drawn once the build is past SHOW_AFTER_SECONDS."""
    clock = clock_of(settings)
    if clock is None or total == 0 or not _interactive():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    state: dict[str, Any] = {"done": 0, "bar": None, "task": None}

    def advance(n: int) -> None:
        state["done"] += n
        bar = state["bar"]
        if bar is None:
            if clock.elapsed() < SHOW_AFTER_SECONDS:
                return
            bar = state["bar"] = Progress(
                f"[bold]{label}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            bar.start()
            state["task"] = bar.add_task(label, total=total, completed=0)
        bar.update(state["task"], completed=state["done"])

    try:
        yield advance
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


def summary(dumps: int, pages: Any, warnings: int, seconds: float) -> str:
    """``Built 10000 dumps, 23331 pages (12 written, 23319 unchanged), 0 warnings in 1.9 s``."""
    counts = ""
    if pages is not None:
        counts = f", {pages.pages} pages ({pages.written} written, {pages.unchanged} unchanged)"
    noun = "dump" if dumps == 1 else "dumps"
    problems = "warning" if warnings == 1 else "warnings"
    return f"Built {dumps} {noun}{counts}, {warnings} {problems} in {seconds:.1f} s"
