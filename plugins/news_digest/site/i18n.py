"""The theme's words and dates in the site's language.

Every template string is written ``{{ _("More headlines") }}`` (Jinja's i18n extension,
"newstyle" gettext, so ``_("%(num)d headline", ...)`` formats its own placeholders). The
translations are the theme's gettext catalogues, in the folder Pelican themes use for them
(``THEME/translations/<lang>/LC_MESSAGES/messages.po``, as the i18n_subsites plugin reads
them); they are compiled in memory at build time, so no ``.mo`` file is kept.

The site's language is Pelican's ``DEFAULT_LANG``. Dates are formatted for it by Babel
(``format_date``), and a right-to-left language sets ``dir="rtl"`` (``text_direction``).
When another plugin (i18n_subsites, say) has already installed translations on an
environment, they are kept.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import pass_eval_context
from jinja2.ext import InternationalizationExtension
from markupsafe import Markup

logger = logging.getLogger(__name__)

I18N_EXTENSION = "jinja2.ext.i18n"
#: The gettext domain of the theme's catalogues (Babel's and i18n_subsites' default).
DOMAIN = "messages"
#: The folder of a theme that holds its catalogues (Pelican themes' convention).
TRANSLATIONS_DIR = "translations"
#: The language of the strings as the templates write them.
SOURCE_LANG = "en"
#: Babel's name of the date format a page shows (``NEWS_DIGEST["date_format"]`` may name
#: another: short, medium, long, full, or a CLDR pattern such as ``d MMM y``).
DEFAULT_DATE_FORMAT = "long"
#: CLDR skeletons of a year's and a month's archive name: the locale orders the parts
#: ("May 2023", "Mai 2023", "2023年5月"), which a fixed pattern could not.
PERIOD_SKELETONS = {1: "y", 2: "yMMMM"}


def babel_locale(code: str | None) -> Locale | None:
    """The Babel locale of a language code (``de``, ``pt-BR``, ``zh_Hans``), or None."""
    if not code:
        return None
    try:
        return Locale.parse(str(code).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def text_direction(code: str | None) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew, Persian, Urdu ...),
    else ``ltr``."""
    locale = babel_locale(code)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def catalogue_path(theme: str | Path, lang: str) -> Path:
    return Path(theme) / TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(theme: str | Path | None, lang: str) -> NullTranslations | None:
    """The theme's catalogue for ``lang`` (or its base language: ``de`` for ``de_AT``),
    compiled in memory; None when the theme has none."""
    if not theme:
        return None
    candidates = [lang.replace("-", "_")]
    base = candidates[0].split("_")[0]
    if base not in candidates:
        candidates.append(base)
    for candidate in candidates:
        path = catalogue_path(theme, candidate)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=candidate, domain=DOMAIN)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            return Translations(compiled, domain=DOMAIN)
    return None


class SiteLanguage:
    """The language a site's theme speaks: its code, Babel locale, translations, direction."""

    def __init__(self, settings: Mapping[str, Any], date_format: str | None = None) -> None:
        self.code = str(settings.get("DEFAULT_LANG") or SOURCE_LANG)
        self.locale = babel_locale(self.code) or Locale.parse(SOURCE_LANG)
        self.direction = text_direction(self.code)
        self.date_format = date_format or DEFAULT_DATE_FORMAT
        self.translations = load_translations(settings.get("THEME"), self.code)
        self.missing = self.translations is None and self.locale.language != SOURCE_LANG
        #: ``(day, format) -> text``: a site shows each day's date on many pages.
        self._dates: dict[tuple[dt.date, str], str] = {}

    def format_date(self, value: dt.date | dt.datetime, format: str | None = None) -> str:
        """A date as the site's language writes it (``10. Mai 2023``, ``2023年5月10日``).

        Babel formats a datetime's date alone (its time and zone never show), so the text
        of a day is made once and then looked up."""
        format = format or self.date_format
        day = value.date() if isinstance(value, dt.datetime) else value
        if not isinstance(day, dt.date):  # None (today) or not a date: Babel's own answer
            return babel_format_date(value, format, locale=self.locale)
        key = (day, format)
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = babel_format_date(day, format, locale=self.locale)
        return text

    def format_period(self, period_num: tuple[int, ...]) -> str:
        """The name of an archive period, ``(2023,)``, ``(2023, 5)`` or ``(2023, 5, 10)``, as
        the site's language writes it: ``2023``, ``Mai 2023``, ``10. Mai 2023``."""
        parts = tuple(period_num)
        year, month, day_of_month = (*parts, 1, 1)[:3]
        day = dt.date(year, month, day_of_month)
        skeleton = PERIOD_SKELETONS.get(len(parts))
        if skeleton is None:
            return self.format_date(day)
        return format_skeleton(skeleton, day, locale=self.locale)

    def format_month(self, month: int) -> str:
        """A month's name alone, as a link in a year's archive (``Mai``)."""
        return babel_format_date(dt.date(2000, month, 1), "LLLL", locale=self.locale)

    def install(self, env: Any) -> None:
        """The extension, the translations (unless another plugin installed some) and the
        date filter on ``env``."""
        if InternationalizationExtension.identifier not in env.extensions:
            env.add_extension(I18N_EXTENSION)
        if "gettext" not in env.globals:
            translations = self.translations or NullTranslations()
            env.install_gettext_translations(translations, newstyle=True)
            install_remembered_gettext(env, translations)
        env.filters["format_date"] = self.format_date
        env.globals["format_period"] = self.format_period
        env.filters["format_period"] = self.format_period
        env.filters["format_month"] = self.format_month
        env.globals["text_direction"] = text_direction
        env.globals["SITE_DIRECTION"] = self.direction


#: The most filled-in texts :func:`install_remembered_gettext` remembers in one build.
MAX_FILLED = 20_000
#: The types of the values a filled-in text is remembered for: their text alone decides
#: what the placeholder shows (a ``Markup`` is kept apart from a ``str`` of the same text).
PLAIN_TYPES = (str, int, Markup)


def filled_key(strings: tuple[Any, ...], variables: dict[str, Any]) -> tuple | None:
    """What a filled-in translation depends on, or None when a value is not of a plain type
    (an object may show other text another time)."""
    key: list[Any] = [*strings]
    for name, value in variables.items():
        kind = type(value)
        if kind not in PLAIN_TYPES:
            return None
        key += (name, kind, value)
    return tuple(key)


def install_remembered_gettext(env: Any, translations: NullTranslations) -> None:
    """``_``, ``gettext`` and ``ngettext`` as Jinja's newstyle gettext gives them (the
    translation, marked safe where autoescape is on, its placeholders filled in and escaped),
    with each string's translation looked up once per build: a page calls ``_`` some fifty
    times, and Jinja's own callables go through two context calls and make a new ``Markup``
    each time. A text filled in with plain values (strings, numbers) is remembered too
    (:func:`filled_key`, at most :data:`MAX_FILLED` of them): "Seen on 3 days since 2 May"
    is made once, not for every headline that says it. Set only when this plugin installed
    the translations."""
    marked: dict[str, Markup] = {}  # a string -> its translation, marked safe
    plain: dict[str, Markup] = {}  # a string used with no placeholder -> what it gives
    filled: dict[tuple, Markup] = {}  # filled_key -> the text it gives

    def remember(key: tuple | None, text: Markup) -> Markup:
        if key is not None and len(filled) < MAX_FILLED:
            filled[key] = text
        return text

    @pass_eval_context
    def gettext(eval_ctx: Any, string: str, /, **variables: Any) -> str:
        if not eval_ctx.autoescape:
            return translations.gettext(string) % variables
        if variables:
            key = filled_key(("_", string), variables)
            done = filled.get(key) if key is not None else None
            if done is not None:
                return done
            rv = marked.get(string)
            if rv is None:
                rv = marked[string] = Markup(translations.gettext(string))
            return remember(key, rv % variables)
        done = plain.get(string)
        if done is None:
            done = plain[string] = Markup(translations.gettext(string)) % {}
        return done

    @pass_eval_context
    def ngettext(eval_ctx: Any, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        if not eval_ctx.autoescape:
            return translations.ngettext(singular, plural, num) % variables
        key = None
        if type(num) in PLAIN_TYPES:
            key = filled_key(("n", singular, plural, type(num), num), variables)
        done = filled.get(key) if key is not None else None
        if done is not None:
            return done
        return remember(key, Markup(translations.ngettext(singular, plural, num)) % variables)

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def install_translations(env: Any, settings: Mapping[str, Any] | None = None) -> SiteLanguage:
    """Install the site's language (:class:`SiteLanguage`) on ``env``."""
    language = SiteLanguage(settings or {})
    language.install(env)
    return language
