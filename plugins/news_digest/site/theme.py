"""The theme the plugin's pages need, and where to find it.

The templates of ``theme/`` render every page the plugin writes ("More headlines", the
period archives, search). A wheel carries them as ``news_digest/theme/`` (copied from the
repository's ``theme/`` when the wheel is built, see ``setup.py``); a source checkout or an
editable install uses the repository's ``theme/`` itself. No Pelican import at module level:
``news_digest.theme_path()`` is called from a settings file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parents[1]
#: The theme inside an installed package.
SHIPPED_THEME = _PACKAGE / "theme"
#: The theme of a source checkout: ``plugins/news_digest/`` -> the repository's ``theme/``.
SOURCE_THEME = _PACKAGE.parents[1] / "theme"
#: A file every copy of the theme has; a folder without it is not the theme.
THEME_MARKER = Path("templates", "base.html")


def theme_path() -> str:
    """The folder of the theme that ships with the plugin, for ``THEME = ...``."""
    for folder in (SHIPPED_THEME, SOURCE_THEME):
        if (folder / THEME_MARKER).is_file():
            return str(folder)
    raise FileNotFoundError(
        f"news_digest: no theme found at {SHIPPED_THEME} or {SOURCE_THEME} "
        "(the package was built without its theme)"
    )


def use_shipped_theme(settings: MutableMapping[str, Any]) -> None:
    """A site whose ``THEME`` is Pelican's default gets the plugin's theme: Pelican's own
    themes have no templates for the plugin's pages. A ``THEME`` the site chose is kept."""
    from pelican.settings import DEFAULT_CONFIG

    if settings.get("THEME") != DEFAULT_CONFIG["THEME"]:
        return
    settings["THEME"] = theme_path()
    logger.info("news_digest: THEME not set; using the plugin's theme %s", settings["THEME"])


def require_autoescape(settings: MutableMapping[str, Any]) -> None:
    """Dump text is text: the templates print it as it was read and rely on Jinja's
    autoescape to escape it. Pelican's default ``JINJA_ENVIRONMENT`` has autoescape off,
    so the plugin turns it on (on a copy: the default dict is shared)."""
    jinja = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if jinja.get("autoescape") is True:
        return
    if "autoescape" in jinja:
        logger.warning(
            "news_digest: JINJA_ENVIRONMENT autoescape %r replaced by True: "
            "the templates print dump text, which must be escaped",
            jinja["autoescape"],
        )
    jinja["autoescape"] = True
    settings["JINJA_ENVIRONMENT"] = jinja


#: Pelican's pages that the plugin's theme has no template for, by the setting that turns
#: each on. Pelican would take the template from its "simple" theme, which extends the
#: plugin's index.html, and that needs the plugin's pagination: the build would stop with
#: "'pager' is undefined".
PAGES_WITHOUT_TEMPLATE = {
    "CATEGORY_SAVE_AS": "category.html",
    "TAG_SAVE_AS": "tag.html",
    "AUTHOR_SAVE_AS": "author.html",
}
#: Settings whose pages must be a folder's index.html: a dump's "More headlines" page is
#: written in a folder below them.
FOLDER_PAGES = ("ARTICLE_SAVE_AS", "DRAFT_SAVE_AS")


def _has_template(settings: Mapping[str, Any], name: str) -> bool:
    folders = [*settings.get("THEME_TEMPLATES_OVERRIDES", ()), Path(settings["THEME"], "templates")]
    return any(Path(folder, name).is_file() for folder in folders)


def unusable_settings(settings: Mapping[str, Any]) -> list[str]:
    """What in Pelican's settings the plugin's pages cannot be built with, one line each,
    with the setting that fixes it (the guide, docs/plugin.md, sets them all)."""
    problems = []
    for key in FOLDER_PAGES:
        value = settings.get(key) or ""
        if value and not value.endswith("/index.html"):
            problems.append(
                f"{key} = {value!r} must end in '/index.html': a dump's \"More headlines\" "
                "page is written in a folder below its lead"
            )
    for key, template in PAGES_WITHOUT_TEMPLATE.items():
        if settings.get(key) and not _has_template(settings, template):
            problems.append(
                f"{key} = {settings[key]!r} writes pages the theme has no {template} for "
                f'(set {key} = "")'
            )
    return problems
