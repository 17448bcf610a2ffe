"""Markdown pages (``content/pages/*.md``) rendered with markdown-it-py.

Pelican reads Markdown only through Python-Markdown; this reader replaces it for the
extensions below. Front matter is Pelican style: ``Key: value`` lines at the top, ended by a
blank line. Raw HTML in the Markdown is not passed through (``html`` is off).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from pelican.readers import BaseReader

logger = logging.getLogger(__name__)

#: ``Key: value`` at the top of a Markdown file (Pelican's metadata syntax).
META_LINE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``(metadata, body)``: leading ``Key: value`` lines up to the first blank line."""
    lines = text.lstrip("\ufeff").splitlines()
    metadata: dict[str, str] = {}
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        if not line.strip():
            break
        match = META_LINE_RE.match(line)
        if not match:
            # Not front matter after all: the whole file is body.
            return {}, text
        metadata[match.group(1).lower()] = match.group(2).strip()
    else:
        index = len(lines)
    return metadata, "\n".join(lines[index + 1 :])


class MarkdownItReader(BaseReader):
    """Reads ``.md`` files with ``MarkdownIt("commonmark")``, raw HTML disabled."""

    enabled = True
    file_extensions = ("md", "markdown", "mkd", "mdown")

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        if not self._is_page(source_path):
            # The theme's article pages are made for dumps; a Markdown file elsewhere in the
            # content folder would break them, so it is left out with a warning.
            logger.warning(
                "%s: Markdown is read as a page only (put it in %s); skipped",
                source_path,
                " or ".join(self.settings.get("PAGE_PATHS") or ["pages"]),
            )
            return "", {"status": "skip", "title": os.path.basename(source_path)}
        with open(source_path, encoding="utf-8") as handle:
            raw, body = split_front_matter(handle.read())
        from markdown_it import MarkdownIt  # here: a site without Markdown never loads it

        renderer = MarkdownIt("commonmark", {"html": False})
        html = renderer.render(body)
        metadata = {key: self.process_metadata(key, value) for key, value in raw.items()}
        return html, metadata

    def _is_page(self, source_path: str) -> bool:
        root = os.path.abspath(self.settings.get("PATH") or ".")
        relative = os.path.relpath(os.path.abspath(source_path), root).replace(os.sep, "/")
        return any(
            relative == folder or relative.startswith(folder.rstrip("/") + "/")
            for folder in self.settings.get("PAGE_PATHS") or ["pages"]
        )
