"""The theme's words and dates in the site's language (``site/i18n.py``)."""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import InternationalizationExtension
from news_digest.site.i18n import (
    I18N_EXTENSION,
    SiteLanguage,
    install_translations,
    load_translations,
    text_direction,
)

PO = """\
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "More headlines"
msgstr "Weitere Schlagzeilen"

msgid "%(num)d headline"
msgid_plural "%(num)d headlines"
msgstr[0] "%(num)d Schlagzeile"
msgstr[1] "%(num)d Schlagzeilen"
"""


def _theme(tmp_path: Path) -> Path:
    folder = tmp_path / "theme" / "translations" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    return tmp_path / "theme"


def test_install_adds_the_extension_and_english():
    env = Environment()
    install_translations(env)
    assert InternationalizationExtension.identifier in env.extensions
    assert env.from_string('{{ _("More headlines") }}').render() == "More headlines"


def test_the_themes_catalogue_is_read_for_the_sites_language(tmp_path: Path):
    env = Environment()
    SiteLanguage({"DEFAULT_LANG": "de_AT", "THEME": str(_theme(tmp_path))}).install(env)
    assert env.from_string('{{ _("More headlines") }}').render() == "Weitere Schlagzeilen"
    plural = '{{ ngettext("%(num)d headline", "%(num)d headlines", n) }}'
    assert env.from_string(plural).render(n=1) == "1 Schlagzeile"
    assert env.from_string(plural).render(n=3) == "3 Schlagzeilen"
    assert env.from_string('{{ _("Not translated") }}').render() == "Not translated"


def test_a_language_without_a_catalogue_is_reported(tmp_path: Path):
    theme = _theme(tmp_path)
    assert load_translations(theme, "fr") is None
    assert SiteLanguage({"DEFAULT_LANG": "fr", "THEME": str(theme)}).missing
    assert not SiteLanguage({"DEFAULT_LANG": "en-GB", "THEME": str(theme)}).missing


def test_dates_are_written_as_the_language_writes_them():
    day = dt.date(2023, 5, 10)
    assert SiteLanguage({"DEFAULT_LANG": "de"}).format_date(day) == "10. Mai 2023"
    assert SiteLanguage({"DEFAULT_LANG": "fr"}).format_date(day) == "10 mai 2023"
    assert SiteLanguage({"DEFAULT_LANG": "zh"}).format_date(day) == "2023年5月10日"
    assert SiteLanguage({"DEFAULT_LANG": "es"}).format_date(day, "d MMM y") == "10 may 2023"


def test_a_remembered_date_is_babels_own_for_every_value_and_format():
    """Dates are formatted once per (day, format): the text must be what Babel gives for the
    value itself, whatever its type, zone or time, and never that of another format."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_date
    from pelican.utils import SafeDatetime

    language = SiteLanguage({"DEFAULT_LANG": "de"})
    values = [
        dt.date(2023, 5, 10),
        dt.datetime(2023, 5, 10, 23, 30),
        SafeDatetime(2023, 5, 10, 0, 5, tzinfo=ZoneInfo("Europe/Berlin")),
        dt.datetime(2023, 5, 10, 23, 30, tzinfo=ZoneInfo("Pacific/Kiritimati")),
        dt.datetime(2023, 5, 11, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=-11))),
    ]
    for _ in range(2):  # the second time from what was remembered
        for value in values:
            for fmt in (None, "short", "full", "d MMM y", "EEEE"):
                expected = format_date(value, fmt or "long", locale="de")
                assert language.format_date(value, fmt) == expected, (value, fmt)
    assert language.format_date(dt.date(2023, 5, 11), "EEEE") == "Donnerstag"
    assert len(language._dates) == 2 * 5


def test_right_to_left_languages():
    assert [text_direction(c) for c in ("ar", "he", "fa", "ur")] == ["rtl"] * 4
    assert [text_direction(c) for c in ("en", "de", "zh", None, "xx")] == ["ltr"] * 5
    assert SiteLanguage({"DEFAULT_LANG": "ar"}).direction == "rtl"


def test_translations_installed_by_another_plugin_are_kept():
    class German(gettext.NullTranslations):
        def gettext(self, message):
            return {"More headlines": "Weitere Schlagzeilen"}.get(message, message)

    env = Environment(extensions=[I18N_EXTENSION])
    env.install_gettext_translations(German(), newstyle=True)
    install_translations(env)
    assert env.from_string('{{ _("More headlines") }}').render() == "Weitere Schlagzeilen"
