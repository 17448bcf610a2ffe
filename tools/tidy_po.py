"""Keep the theme's catalogues' headers small and stable (``make translations``).

``pybabel init`` and ``update`` write dates, a Babel version and placeholders for a project
and a translator into each ``.po`` header, and change the dates on every run; a catalogue
that only changed its date would show as a change. This keeps the header's ``Language``,
``Plural-Forms`` and encoding lines, and drops the comments above it and its fuzzy flag.

    python tools/tidy_po.py theme/translations/de/LC_MESSAGES/messages.po ...
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The header fields kept: what gettext needs to read the catalogue.
KEPT_FIELDS = (
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)


def tidy(text: str) -> str:
    """``text`` of a ``.po`` file with its header cut to :data:`KEPT_FIELDS`, one line each
    (Babel wraps a long ``Plural-Forms`` over several quoted lines)."""
    head, separator, rest = text.partition('msgid ""\nmsgstr ""\n')
    if not separator:
        return text
    header, _, body = rest.partition("\n\n")
    joined = "".join(line.strip()[1:-1] for line in header.splitlines())
    fields = [field for field in joined.split("\\n") if field]
    kept = [f'"{field}\\n"' for field in fields if field.split(":", 1)[0] in KEPT_FIELDS]
    return 'msgid ""\nmsgstr ""\n' + "\n".join(kept) + "\n\n" + body


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        tidied = tidy(text)
        if tidied != text:
            path.write_text(tidied, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
