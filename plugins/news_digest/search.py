"""Pagefind search index, written into the output folder after every build.

Pagefind (https://pagefind.app) reads the built HTML and writes ``pagefind/`` next to it: a
static index and ``pagefind.js``, which the search page loads. Only elements marked
``data-pagefind-body`` are indexed (lead articles and "More headlines" pages); the templates
tag them with a ``kind`` filter, a ``date`` sort and metadata.

The binary comes from the ``pagefind-bin`` wheel (the ``pagefind[bin]`` dependency), so a
build needs no download. Turned off with ``NEWS_DIGEST = {"pagefind": False}``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .settings import merged_settings

logger = logging.getLogger(__name__)


def pagefind_executable() -> str | None:
    """The binary shipped in the ``pagefind_bin`` package, else ``pagefind`` on PATH."""
    try:
        import pagefind_bin
    except ImportError:
        return shutil.which("pagefind")
    try:
        return str(pagefind_bin.get_executable())
    except (FileNotFoundError, OSError):
        return shutil.which("pagefind")


def pagefind_command(executable: str, output_path: str, language: str) -> list[str]:
    """The command line that indexes ``output_path``.

    One language for the whole site, so the search page (in ``DEFAULT_LANG``) finds every
    dump, whatever ``Lang`` a dump's header gives.
    """
    return [
        executable,
        "--site",
        output_path,
        "--force-language",
        language,
        "--silent",
    ]


def build_index(settings: Mapping[str, Any]) -> bool:
    """Index ``OUTPUT_PATH`` with Pagefind; returns whether an index was written.

    A missing binary or a failed run is logged as a warning (so ``--fatal warnings`` stops),
    and the site itself is left as built.
    """
    if not merged_settings(settings)["pagefind"]:
        return False
    output = Path(settings["OUTPUT_PATH"])
    executable = pagefind_executable()
    if executable is None:
        logger.warning("news_digest: pagefind not found; the site has no search index")
        return False
    language = str(settings.get("DEFAULT_LANG") or "en")
    command = pagefind_command(executable, str(output), language)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        logger.warning("news_digest: could not run pagefind (%s); no search index", error)
        return False
    if result.returncode != 0:
        logger.warning(
            "news_digest: pagefind failed on %s (exit %s): %s",
            output,
            result.returncode,
            (result.stderr or result.stdout).strip(),
        )
        return False
    logger.info("news_digest: search index written to %s", output / "pagefind")
    return True
