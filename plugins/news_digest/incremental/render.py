"""The pages whose number grows with the dumps, rendered over all cores, written only on change.

:class:`PageRenderer` collects one :class:`PageJob` per output file (lead pages, "More
headlines" pages, day/month/year archives, the home page and its pages, the direct templates)
and renders them with the generator's own Jinja environment, in the same context and with the
same ``SITEURL`` handling as Pelican's writer. Three things make a build fast:

- **fingerprints**: each job carries a sha1 of everything its page shows (the template
  sources, the settings, the plugin's code, the page's data). The build's output ledger
  (:mod:`news_digest.site.outputs`) remembers the fingerprint of every page written with the
  stat of the file as written; a page whose fingerprint is unchanged and whose file has that
  very stat is neither rendered nor written;
- **no rewrites**: a rendered page whose bytes equal the file on disk is not written again;
- **all cores**: past :data:`MIN_PARALLEL_PAGES` pages, the jobs are shared among forked
  workers, which inherit the finished context and write their own files.

Nothing here reads the clock, and jobs are ordered, so two builds write the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import fork_available
from .codehash import package_code_hash
from .patches import freeze_for_workers, thaw_after_workers

logger = logging.getLogger(__name__)

#: Below this many pages to render, forking workers costs more than it saves.
MIN_PARALLEL_PAGES = 200
#: Pages handed to a worker at a time (small enough for even shares and a live progress bar).
CHUNK_SIZE = 64
#: Bumped when the meaning of a fingerprint changes.
FINGERPRINT_VERSION = "1"


@dataclass
class PageJob:
    save_as: str
    template: str
    fingerprint: str
    kwargs: dict[str, Any]


@dataclass
class RenderStats:
    pages: int = 0
    written: int = 0
    unchanged: int = 0


# Fingerprints


def stable_value(value: Any) -> Any:
    """A value made of plain data, the same in every process (no addresses): a function or
    a class by its module and name, any other object by its type's."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), stable_value(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [stable_value(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    named = value if isinstance(getattr(value, "__qualname__", None), str) else type(value)
    return f"{getattr(named, '__module__', None)}.{named.__qualname__}"


def fingerprint(*parts: Any) -> str:
    """The sha1 of ``parts``. Plain data (str, int, float, bool, None, bytes, tuples, lists,
    dicts) is hashed by its marshal bytes in format 2, which writes equal values alike (it
    marks no object as shared or interned) and is about three times quicker than ``repr``;
    any other object makes the whole key hashed by its ``repr``."""
    try:
        data = marshal.dumps(parts, 2)
    except ValueError:
        data = b"repr:" + repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha1(data).hexdigest()


def site_fingerprint(settings: Mapping[str, Any], template_dirs: Iterable[str], pages: Any) -> str:
    """What every page depends on: templates, settings, the plugin's code, the site's pages."""
    sha = hashlib.sha1(FINGERPRINT_VERSION.encode())
    for folder in template_dirs:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                sha.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
                sha.update(path.read_bytes())
    sha.update(package_code_hash().encode())
    try:
        from importlib.metadata import version

        sha.update(f"pelican {version('pelican')} jinja2 {version('jinja2')}".encode())
    except Exception:  # pragma: no cover - metadata missing
        pass
    sha.update(repr(stable_value(dict(settings))).encode("utf-8", "surrogatepass"))
    sha.update(repr([(p.title, p.url, p.save_as) for p in pages]).encode("utf-8", "surrogatepass"))
    return sha.hexdigest()


def card_key(article: Any) -> tuple:
    """What a listing shows of a dump."""
    return (
        article.title,
        article.url,
        getattr(article, "digest_url", None),
        article.date.isoformat(),
        getattr(article, "has_lead", None),
        getattr(article, "first_paragraph", None),
        getattr(article, "headline_count", None),
    )


def page_key(article: Any, card: tuple | None = None) -> tuple:
    """What a dump's own pages (lead, "More headlines") show of it.

    For a dump, the sha1 of its bytes stands for its paragraphs, credit and headlines: the
    same bytes read by the same code (in the site fingerprint) give the same pages, and the
    hash is cheaper than the text of every page."""
    modified = getattr(article, "modified", None)
    sha = getattr(article, "dump_sha1", None)
    if sha is not None:
        body: tuple = (sha,)
    else:
        body = (
            getattr(article, "paragraphs", None),
            getattr(article, "credit", None),
            getattr(article, "headlines", None),
            getattr(article, "dump_lang", None),
            getattr(article, "dump_source_url", None),
        )
    return (
        card_key(article) if card is None else card,
        *body,
        # The earlier versions a lead page lists (news_digest.site.scrapes), by their sha1.
        getattr(article, "scrape_key", ()),
        modified.isoformat() if modified else None,
        None if sha is not None or hasattr(article, "paragraphs") else article.content,
    )


# Rendering


class PageRenderer:
    """Collects the jobs of one build, then renders and writes those that changed."""

    def __init__(
        self, generator: Any, writer: Any, ledger: Any = None, extra_key: Any = None
    ) -> None:
        self.generator = generator
        self.settings = generator.settings
        self.context = generator.context
        self.output_path = writer.output_path
        self.relative_urls = bool(self.settings.get("RELATIVE_URLS"))
        self.jobs: list[PageJob] = []
        self.seen: set[str] = set()
        #: ``id(article) -> card_key(article)``; the articles outlive the renderer.
        self.cards: dict[int, tuple] = {}
        #: ``save_as -> page_record`` of every file written, for the search index.
        self.written: dict[str, list[Any]] = {}
        #: What the build writes (:class:`news_digest.site.outputs.OutputLedger`): which pages
        #: are on disk as the last build wrote them; None renders every page.
        self.ledger = ledger
        #: Receivers of ``content_written`` that are the build's own (its output ledger).
        self.own_listeners = 1 if ledger is not None else 0
        #: ``extra_key(template, kwargs)``: what other generators add to a page (its stories,
        #: see news_digest.site.stories_pages), part of its fingerprint; or None.
        self.extra_key = extra_key
        self.site_key = site_fingerprint(
            self.settings,
            [
                os.path.join(self.settings["THEME"], "templates"),
                *self.settings.get("EXTRA_TEMPLATES_PATHS", []),
                os.path.join(os.path.dirname(os.path.dirname(__file__)), "site", "templates"),
            ],
            self.context.get("pages", ()),
        )

    def card_key(self, article: Any) -> tuple:
        """:func:`card_key`, once per article and build (a dump is on several lists)."""
        try:
            return self.cards[id(article)]
        except KeyError:
            card = self.cards[id(article)] = card_key(article)
            return card

    def add(self, save_as: str, template: str, data: Any, **kwargs: Any) -> None:
        """One page: ``data`` is everything it shows beyond the site (see ``card_key``)."""
        if not save_as:
            return
        if save_as in self.seen:
            logger.error("news_digest: %s is written twice; the second page is left out", save_as)
            return
        self.seen.add(save_as)
        extra = self.extra_key(template, kwargs) if self.extra_key is not None else None
        key = fingerprint(self.site_key, save_as, template, data, extra)
        self.jobs.append(PageJob(save_as, template, key, kwargs))

    def run(self, workers: int, progress: Callable[[int], None] | None = None) -> RenderStats:
        """Render and write every page that is not known to be on disk as it would be
        written now (see :meth:`news_digest.site.outputs.OutputLedger.trusted`)."""
        ledger = self.ledger
        todo = []
        kept = []
        for index, job in enumerate(self.jobs):
            if ledger is not None and ledger.trusted(job.save_as, job.fingerprint):
                ledger.keep(job.save_as)
                kept.append(index)
                continue
            todo.append(index)
        self.announce(kept)
        stats = RenderStats(pages=len(self.jobs), unchanged=len(self.jobs) - len(todo))
        if progress is not None and stats.unchanged:
            progress(stats.unchanged)
        if ledger is not None:
            # Journaled before any is written: a build that stops half-way leaves them untrusted.
            ledger.about_to_write(self.jobs[index].save_as for index in todo)
        chunks = [todo[i : i + CHUNK_SIZE] for i in range(0, len(todo), CHUNK_SIZE)]
        if workers > 1 and len(todo) >= MIN_PARALLEL_PAGES and fork_available():
            freeze_for_workers()
            try:
                for chunk, done in zip(
                    chunks, forked_map(self.render_chunk, chunks, workers), strict=True
                ):
                    self._count(stats, chunk, done, progress)
            finally:
                thaw_after_workers()
        else:
            for chunk in chunks:
                self._count(stats, chunk, self.render_chunk(chunk), progress)
        return stats

    def write_with_pelican(self, writer: Any) -> RenderStats:
        """Every page through Pelican's own ``Writer.write_file`` (the speed layer off): in
        the same context, without pagination (the pages are already cut), and with
        Pelican's ``content_written`` for each."""
        for job in self.jobs:
            writer.write_file(
                job.save_as,
                self.generator.get_template(job.template),
                self.context,
                relative_urls=self.relative_urls,
                paginated={},
                **job.kwargs,
            )
        return RenderStats(pages=len(self.jobs), written=len(self.jobs))

    def _count(
        self,
        stats: RenderStats,
        chunk: Sequence[int],
        done: tuple[dict[str, list[Any]], dict[str, tuple]],
        progress: Callable[[int], None] | None,
    ) -> None:
        written, on_disk = done
        stats.written += len(written)
        stats.unchanged += len(chunk) - len(written)
        self.written.update(written)
        if self.ledger is not None:
            for index in chunk:
                job = self.jobs[index]
                self.ledger.wrote(job.save_as, job.fingerprint, on_disk.get(job.save_as))
        self.announce(chunk)
        if progress is not None:
            progress(len(chunk))

    def announce(self, indexes: Sequence[int]) -> None:
        """Pelican's ``content_written`` for the pages at ``indexes``, with the context each
        is rendered in, as Pelican's writer sends it for every file: for pages written (once
        a batch is back from the workers) and for pages left as they are (before rendering
        starts). Skipped when nobody but the build itself listens."""
        from pelican import signals
        from pelican.utils import sanitised_join

        if len(signals.content_written.receivers) <= self.own_listeners:
            return
        for index in indexes:
            job = self.jobs[index]
            path = sanitised_join(self.output_path, job.save_as)
            signals.content_written.send(path, context=self.local_context(job))

    def local_context(self, job: PageJob) -> dict[str, Any]:
        """The context ``job`` is rendered in: Pelican's writer's, for the same page."""
        from pelican.utils import get_relative_path, path_to_url

        local = self.context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        if self.relative_urls:
            relative = path_to_url(get_relative_path(job.save_as))
            local["SITEURL"] = relative
            local["localsiteurl"] = relative
        local["output_file"] = job.save_as
        local.update(job.kwargs)
        return local

    def render_chunk(self, indexes: Sequence[int]) -> tuple[dict[str, list[Any]], dict[str, tuple]]:
        """Render the jobs at ``indexes``; returns the files (re)written, each with what the
        search index needs to know of it (:func:`news_digest.publish.search.page_record`), so that
        it does not read them again; and the stat (:func:`~news_digest.site.outputs.stat_key`)
        of every page rendered, written or found equal on disk."""
        from pelican.utils import sanitised_join

        from ..publish.search import page_record
        from ..site.lock import write_new, write_whole
        from ..site.outputs import stat_key

        written: dict[str, list[Any]] = {}
        on_disk: dict[str, tuple] = {}
        templates: dict[str, Any] = {}
        folders: set[str] = set()
        for index in indexes:
            job = self.jobs[index]
            template = templates.get(job.template)
            if template is None:
                template = templates[job.template] = self.generator.get_template(job.template)
            data = template.render(self.local_context(job)).encode("utf-8")
            path = sanitised_join(self.output_path, job.save_as)
            try:
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        on_disk[job.save_as] = stat_key(os.fstat(handle.fileno()))
                        continue
                exists = True
            except FileNotFoundError:
                exists = False
            except OSError:
                exists = True  # unreadable: writing it says why
            # Whole or not at all: a page cut short by a full disk never survives.
            if exists:
                # Through a temporary file; the rename changes the file's ctime.
                written[job.save_as] = page_record(data, write_whole(path, data))
                on_disk[job.save_as] = stat_key(os.stat(path))
            else:
                folder = os.path.dirname(path)
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                stat = write_new(path, data)
                written[job.save_as] = page_record(data, stat)
                on_disk[job.save_as] = stat_key(stat)
            logger.debug('Writing "%s"', path)
        return written, on_disk


# Forked workers


#: Seconds a worker is given to exit once it is told to, before it is killed.
WORKER_EXIT_SECONDS = 5


def forked_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int) -> Iterator[Any]:
    """``function(item)`` for each of ``items``, in order, computed by ``workers`` forked
    processes.

    The workers inherit ``function`` (a renderer's bound method, with the build's whole
    context) from the fork: nothing of it is pickled, and no module keeps it for them. Only
    the items and the results go through one pipe per worker. An error in a worker is
    raised here (its exception, as the worker raised it); a worker that dies stops the map
    with an error instead of leaving it waiting."""
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    processes = []
    pipes: dict[Any, Any] = {}  # our end of a worker's pipe -> the worker
    try:
        for _ in range(min(workers, len(items))):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(function, theirs), daemon=True)
            process.start()
            theirs.close()
            processes.append(process)
            pipes[ours] = process
        queue = list(enumerate(items))
        queue.reverse()
        done: dict[int, Any] = {}
        busy: dict[Any, int] = {}
        for pipe in pipes:
            if queue:
                pipe.send(queue.pop())
                busy[pipe] = 1
        #: Sentinels of the workers still running -> their pipe.
        watched = {process.sentinel: pipe for pipe, process in pipes.items()}
        following = 0
        while following < len(items):
            while following in done:
                yield done.pop(following)
                following += 1
            if following >= len(items):
                break
            for ready in wait([*busy, *watched]):
                if ready in watched:
                    # A worker that ended: a busy one's pipe says why (its result, or EOF).
                    del watched[ready]
                    continue
                try:
                    index, ok, result = ready.recv()
                except EOFError:
                    process = pipes[ready]
                    process.join(WORKER_EXIT_SECONDS)
                    raise RuntimeError(
                        f"page worker {process.pid} died (exit {process.exitcode})"
                    ) from None
                if not ok:
                    raise result
                done[index] = result
                if queue:
                    ready.send(queue.pop())
                else:
                    del busy[ready]
    finally:
        for pipe in pipes:
            with contextlib.suppress(OSError):
                pipe.send(None)
            pipe.close()
        for process in processes:
            process.join(WORKER_EXIT_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()


def _serve(function: Callable[[Any], Any], pipe: Any) -> None:
    """A forked worker of :func:`forked_map`: ``(index, item)`` in, ``(index, ok, result or
    error)`` out, until ``None``."""
    while True:
        try:
            message = pipe.recv()
        except EOFError:
            return
        if message is None:
            return
        index, item = message
        try:
            pipe.send((index, True, function(item)))
        except BaseException as error:  # noqa: BLE001 - every error goes to the parent
            try:
                pipe.send((index, False, error))
            except Exception:  # noqa: BLE001 - an error that cannot be pickled
                pipe.send((index, False, RuntimeError(f"{type(error).__name__}: {error}")))
