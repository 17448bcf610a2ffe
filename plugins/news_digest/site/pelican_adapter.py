"""Signal handlers that plug the dump reader and the digest pages into Pelican.

Only :func:`news_digest.register` imports this module, so the parser and the command line
stay free of Pelican. Every handler is a module-level function (signal connections are weak
references) and keeps no state between builds.
"""

from __future__ import annotations

import logging
from typing import Any

from ..incremental import cache, patches, snapshot, templates
from ..publish.indexing_generator import (
    IndexingGenerator,
    install_template_helpers,
    restore_feed_titles,
)
from ..publish.search import build_index
from . import i18n, lock, progress, theme
from .generators import (
    DigestGenerator,
    assign_digest_urls,
    build_period_archives,
    dump_articles,
    dump_drafts,
    fill_feed_content,
    period_children,
    period_parents,
    preset_urls,
    resolve_url_collisions,
)
from .markdown_reader import MarkdownItReader
from .reader import DumpReader
from .scrapes import merge_repeated_scrapes
from .session import BuildSession, session_of
from .settings import SETTINGS_KEY, merged_settings, take_over_pages
from .sources import SourcesGenerator
from .sources import on_pretaxonomy as assign_source_links
from .stories_pages import StoriesGenerator

logger = logging.getLogger(__name__)


def on_initialized(pelican: Any) -> None:
    """Dumps that share a slug are not translations of each other; see resolve_url_collisions.
    Also checks NEWS_DIGEST once (an unknown key is reported here, not at every use), and
    makes every run take the output folder's lock (:mod:`news_digest.site.lock`). A site that
    left ``THEME`` at Pelican's default gets the plugin's theme, and dump text is escaped
    whatever ``JINJA_ENVIRONMENT`` says (:mod:`news_digest.site.theme`). Settings the
    plugin's pages cannot be built with stop the build with one line naming each."""
    pelican.settings[SETTINGS_KEY] = merged_settings(pelican.settings)
    theme.use_shipped_theme(pelican.settings)
    pelican.theme = pelican.settings["THEME"]  # read by Pelican before this signal
    theme.require_autoescape(pelican.settings)
    lock.guard(pelican, float(pelican.settings[SETTINGS_KEY]["lock_timeout"]))
    problems = theme.unusable_settings(pelican.settings)
    if problems:
        raise lock.BuildStopped(
            "news_digest: the site's settings do not fit the plugin (docs/plugin.md): "
            + "; ".join(problems)
        )
    take_over_pages(pelican.settings)
    if pelican.settings.get("ARTICLE_TRANSLATION_ID"):
        logger.debug(
            "news_digest: ARTICLE_TRANSLATION_ID %r replaced by None",
            pelican.settings["ARTICLE_TRANSLATION_ID"],
        )
        pelican.settings["ARTICLE_TRANSLATION_ID"] = None


def on_readers_init(readers: Any) -> None:
    """Dumps go to DumpReader, Markdown to MarkdownItReader (not Python-Markdown)."""
    for ext in merged_settings(readers.settings)["extensions"]:
        readers.reader_classes[ext] = DumpReader
    for ext in MarkdownItReader.file_extensions:
        readers.reader_classes[ext] = MarkdownItReader


def on_generator_init(generator: Any) -> None:
    """Forget disabled readers (Python-Markdown) for extensions that one of ours reads
    (:func:`news_digest.incremental.patches.forget_disabled_readers`)."""
    patches.forget_disabled_readers(generator, session_of(generator.settings))


def on_article_generator_init(generator: Any) -> None:
    """Set every dump's parsing going over all cores (or take it from the parse cache)
    before the reader asks, and leave the pages that grow with the dumps to DigestGenerator.

    The dumps are listed by the very set Pelican then reads them from (patch ``files_listed_once``),
    so the workers' answers come in the order the reader asks for them. With Pelican's
    content cache off, the article snapshot (:mod:`news_digest.incremental.snapshot`) takes its
    place:
    an unchanged dump's article comes from the last build instead of being read."""
    on_generator_init(generator)
    session = session_of(generator.settings)
    if session is not None:
        session.articles_generator = generator
        if not session.incremental:
            return  # Pelican's own reading and writing
    patches.install_article_pages_by_plugin(generator, session)
    patches.install_no_idle_file_stamps(generator.readers, session)
    settings = generator.settings
    extensions = tuple(f".{ext}" for ext in merged_settings(settings)["extensions"])
    files = patches.install_files_listed_once(
        generator, settings["ARTICLE_PATHS"], settings["ARTICLE_EXCLUDES"], session
    )
    cache.preparse(settings, generator.path, [f for f in files if f.endswith(extensions)])
    if patches.install_article_snapshot(generator, session) is None:
        patches.install_no_idle_file_stamps(generator, session)


def on_article_generator_pretaxonomy(generator: Any) -> None:
    merge_repeated_scrapes(generator)  # before URLs: earlier versions get none
    assign_source_links(generator)
    articles = dump_articles(generator)
    resolve_url_collisions(articles)
    assign_digest_urls(articles, generator.settings)
    assign_digest_urls(dump_drafts(generator), generator.settings)
    session = session_of(generator.settings)
    if session is None or session.incremental:
        fill_feed_content(generator.articles, generator.settings)


def on_article_generator_finalized(generator: Any) -> None:
    snapshot.finish(generator)
    cache.finish(generator.settings)  # every dump is read: save the cache, free its memory
    # Pelican's own archives are empty (take_over_pages): the plugin's, in linear time.
    archives = build_period_archives(generator.dates, generator.articles, generator.settings)
    generator.context["period_archives"] = archives
    generator.context["period_children"] = period_children(archives)
    generator.context["period_parents"] = period_parents(archives)


def get_generators(pelican: Any) -> tuple[type, ...]:
    """Our generators; sent at the start of every run (``pelican -r`` runs again and again
    after one ``initialized``), so it also starts the run: its session, the clock (progress
    bar, summary) and, with the speed layer on, the parse store and the garbage collector's
    settings (see :data:`news_digest.incremental.patches.GC_THRESHOLDS`)."""
    settings = pelican.settings
    session = BuildSession(settings, pelican.output_path)
    progress.start(settings)
    if session.incremental:
        patches.raise_gc_thresholds(session)
        cache.start(settings)
    return DigestGenerator, SourcesGenerator, StoriesGenerator, IndexingGenerator


def on_finalized(pelican: Any) -> None:
    """Every page is written: remove what the last build wrote and this one did not, index
    the pages for the search page, save the parse cache, and print one line: dumps, pages,
    warnings, time."""
    session = session_of(pelican.settings)
    incremental = session is None or session.incremental
    if session is not None:
        session.finish_outputs()
        session.close()
    build_index(pelican.settings)
    cache.finish(pelican.settings)
    patches.restore_gc(session, freeze=incremental)
    clock = progress.stop(pelican.settings)
    if clock is not None:
        line = progress.summary(clock.dumps, clock.pages, clock.warnings, clock.elapsed())
        _print_line(line)


def _print_line(line: str) -> None:
    """One unwrapped line on Pelican's console (not a log record)."""
    from pelican.log import console

    console.print(line, soft_wrap=True, markup=False, highlight=False)


def install_i18n(generator: Any) -> None:
    """``generator_init`` handler: ``_()`` and ``format_date`` in every template, in the
    site's language (:mod:`.i18n`); a language the theme has no catalogue for warns once."""
    env = getattr(generator, "env", None)
    if env is None:
        return
    session = session_of(generator.settings)
    language = session.language if session is not None else None
    if language is None:
        options = merged_settings(generator.settings)
        language = i18n.SiteLanguage(generator.settings, options["date_format"])
        if language.missing:
            logger.warning(
                "DEFAULT_LANG %r: the theme has no translations for it (%s); its words stay "
                "in English",
                language.code,
                i18n.catalogue_path(generator.settings.get("THEME") or "", language.code),
            )
        if session is not None:
            session.language = language
    language.install(env)


def keep_compiled_templates(generator: Any) -> None:
    """``generator_init`` handler: with the speed layer on, templates compiled by one build
    are loaded by the next (:mod:`news_digest.incremental.templates`)."""
    session = session_of(generator.settings)
    if session is not None and session.incremental:
        env = getattr(generator, "env", None)
        templates.keep_compiled_templates(env, cache.cache_folder(generator.settings))


def connect() -> None:
    from pelican import signals

    signals.initialized.connect(on_initialized)
    signals.readers_init.connect(on_readers_init)
    signals.article_generator_init.connect(on_article_generator_init)
    signals.page_generator_init.connect(on_generator_init)
    signals.content_object_init.connect(preset_urls)
    signals.article_generator_pretaxonomy.connect(on_article_generator_pretaxonomy)
    signals.article_generator_finalized.connect(on_article_generator_finalized)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install_template_helpers)
    signals.generator_init.connect(install_i18n)
    signals.generator_init.connect(keep_compiled_templates)
    signals.feed_generated.connect(restore_feed_titles)
    signals.finalized.connect(on_finalized)
