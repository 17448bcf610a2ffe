"""The site in the reader's language (docs/i18n.md): the theme's catalogues hold every
string of the templates, translated, and real builds write the site's words and dates in
German and Chinese, warn once for a language without a catalogue and lay out Arabic right to
left."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import REPO_ROOT, Site, build_fixture_site

TRANSLATIONS = REPO_ROOT / "theme" / "translations"
SHIPPED = ("de", "es", "fr", "zh")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
LEAD = "2023/05/10/harbour-bridge-closed-after-cracks-found/"


def _template_strings() -> set[str]:
    """Every msgid of the templates (theme and the plugin's fallbacks), found as
    ``make translations`` finds them: Babel's extract with babel.cfg."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _path, _line, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_the_pot_holds_every_string_of_the_templates():
    strings = _template_strings()
    assert len(strings) > 40  # the menu, footer, pagination, 404, archives, versions ...
    pot = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in _catalogue(TRANSLATIONS / "messages.pot")
        if m.id
    }
    assert strings - pot == set(), "run make translations"
    assert pot - strings == set(), "the .pot lists strings no template has: make translations"


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_catalogue_translates_every_string_with_its_placeholders(lang):
    catalogue = _catalogue(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    problems = []
    for msgid in sorted(_template_strings()):
        message = messages.get(msgid)
        if message is None:
            problems.append(f"{msgid!r}: missing")
            continue
        if message.fuzzy:
            problems.append(f"{msgid!r}: fuzzy")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple) and len(forms) != catalogue.num_plurals:
            problems.append(f"{msgid!r}: {len(forms)} forms, not {catalogue.num_plurals}")
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for form in forms:
            if not form:
                problems.append(f"{msgid!r}: not translated")
            elif sorted(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"{msgid!r}: placeholders of {form!r} are not {wanted}")
    assert problems == []


def test_chinese_has_one_plural_form_and_german_two():
    zh = _catalogue(TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po", "zh")
    de = _catalogue(TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po", "de")
    assert (zh.num_plurals, de.num_plurals) == (1, 2)


# Real builds of the test site in other languages


def _build(tmp_path: Path, lang: str) -> Site:
    return build_fixture_site(tmp_path, DEFAULT_LANG=lang, DEFAULT_PAGINATION=2)


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Site:
    return _build(tmp_path_factory.mktemp("de"), "de")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory) -> Site:
    return _build(tmp_path_factory.mktemp("zh"), "zh")


def _texts(soup, selector: str) -> list[str]:
    return [" ".join(tag.get_text(" ").split()) for tag in soup.select(selector)]


def _home_texts(site: Site, selector: str) -> list[str]:
    """``selector``'s texts on every page of the home page."""
    pages = ("index.html", "page/2/index.html", "page/1/index.html")
    return [text for page in pages for text in _texts(site.soup(page), selector)]


def test_a_german_site_writes_its_words_and_dates_in_german(german):
    home = german.soup("index.html")
    assert (home.html["lang"], home.html["dir"]) == ("de", "ltr")
    assert _texts(home, "body > header nav a")[:3] == ["Startseite", "Archiv", "Suche"]
    assert _texts(home, "body > a") == ["Zum Inhalt springen"]
    assert home.select_one("body > footer").get_text(strip=True) == (
        "Mit Pelican aus gespeicherten Nachrichtenseiten erstellt."
    )
    assert _texts(home, ".pagination a") == ["Neueste", "Seite 2", "Seite 1", "Älter"]
    assert home.select_one(".pagination")["aria-label"] == "Seiten"
    assert "10. Mai 2023" in _home_texts(german, "time")
    assert "2023-05-10" in [t["datetime"] for t in german.soup("page/2/index.html").select("time")]
    assert any(re.fullmatch(r"\d+ Schlagzeilen?", text) for text in _home_texts(german, ".card a"))
    assert _texts(german.soup("page/2/index.html"), ".pagination a")[0] == "Neuer"
    archives = german.soup("archives/index.html")
    assert "Mai 2023" in _texts(archives, ".archive-periods a")
    assert _texts(german.soup("404.html"), "main h1") == ["Seite nicht gefunden"]


def test_the_sites_words_on_a_page_in_another_language_say_so(german):
    lead = german.soup(LEAD + "index.html")
    assert lead.html["lang"] == "en"  # the dump's language
    for selector in ("body > a", "body > header", "body > footer"):
        tag = lead.select_one(selector)
        assert (tag["lang"], tag["dir"]) == ("de", "ltr"), selector
    home = german.soup("index.html")
    assert not home.select_one("body > header").has_attr("lang")


def test_a_chinese_site_writes_its_words_and_dates_in_chinese(chinese):
    home = chinese.soup("index.html")
    assert home.html["lang"] == "zh"
    assert _texts(home, "body > header nav a")[:3] == ["首页", "归档", "搜索"]
    assert _texts(home, ".pagination a") == ["最新", "第 2 页", "第 1 页", "较旧"]
    assert "2023年5月10日" in _home_texts(chinese, "time")
    assert any(re.fullmatch(r"\d+ 条标题", text) for text in _home_texts(chinese, ".card a"))
    assert "2023年5月" in _texts(chinese.soup("archives/index.html"), ".archive-periods a")


def test_a_language_without_a_catalogue_warns_once_and_stays_english(tmp_path):
    site = _build(tmp_path, "it")
    warnings = [m for m in site.messages(logging.WARNING) if "DEFAULT_LANG 'it'" in m]
    assert len(warnings) == 1, warnings
    assert "translations/it/LC_MESSAGES/messages.po" in warnings[0]
    home = site.soup("index.html")
    assert home.html["lang"] == "it"
    assert _texts(home, "body > header nav a")[0] == "Home"
    assert "10 maggio 2023" in _home_texts(site, "time")


def test_a_right_to_left_site_says_so(tmp_path):
    site = _build(tmp_path, "ar")
    home = site.soup("index.html")
    assert (home.html["lang"], home.html["dir"]) == ("ar", "rtl")
    lead = site.soup(LEAD + "index.html")
    # The English dump's page: the site's words right to left, its own text left to right.
    assert (lead.html["lang"], lead.html["dir"]) == ("en", "rtl")
    assert lead.select_one("body > header")["dir"] == "rtl"
    assert lead.select_one("main")["dir"] == "ltr"


def test_the_stylesheet_mirrors_for_right_to_left():
    css = (REPO_ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    physical = re.findall(
        r"^\s*((?:margin|padding|border)-(?:left|right)|left|right)\s*:", css, re.M
    )
    assert physical == []
    assert not re.search(r"text-align:\s*(left|right)", css)


def rendered_both(source: str, before=None, **values) -> list[str]:
    """``source`` rendered with Jinja's newstyle gettext in German, then with the plugin's
    remembered one installed on top (``before()`` is called ahead of each)."""
    from jinja2 import Environment
    from news_digest.site.i18n import install_remembered_gettext, load_translations

    translations = load_translations(REPO_ROOT / "theme", "de")
    assert translations is not None
    rendered = []
    for remembered in (False, True):
        if before is not None:
            before()
        env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_translations(translations, newstyle=True)
        if remembered:
            install_remembered_gettext(env, translations)
        rendered.append(env.from_string(source).render(**values))
    return rendered


def test_remembered_gettext_renders_as_jinjas_own():
    """The theme's ``_``, ``gettext`` and ``ngettext`` (translations looked up once per
    build) give what Jinja's newstyle callables give: safe translations, placeholders
    filled in and escaped, ``%%`` as ``%``, and plain text where autoescape is off."""
    from jinja2 import Environment
    from news_digest.site.i18n import SiteLanguage

    source = (
        '{{ _("More headlines") }}|{{ _("More headlines") }}|'
        '{{ _("Page %(num)d", num=3) }}|{{ _("a & <b> 100%%") }}|'
        '{{ _("%(title)s", title=t) }}|'
        '{{ ngettext("%(num)d new headline", "%(num)d new headlines", 2) }}|'
        "{% autoescape false %}{{ _('%(title)s', title=t) }}{% endautoescape %}"
    )
    rendered = rendered_both(source, t="<i>x</i>")
    assert rendered[0] == rendered[1]
    parts = rendered[1].split("|")
    assert parts[0] == parts[1] == "Weitere Schlagzeilen"
    assert parts[3] == "a & <b> 100%" and parts[4] == "&lt;i&gt;x&lt;/i&gt;"
    assert parts[5] == "2 neue Schlagzeilen" and parts[6] == "<i>x</i>"
    # the plugin installs it only where it installed the translations itself
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    theirs = env.globals["gettext"]
    SiteLanguage({"DEFAULT_LANG": "de", "THEME": str(REPO_ROOT / "theme")}).install(env)
    assert env.globals["gettext"] is theirs


def test_a_german_sites_charts_say_what_they_draw_in_german(german):
    """A sparkline's text alternative is the site's words: its label, how many
    appearances it draws and from which day to which, as the site writes dates."""
    labels = []
    for page in sorted(german.output.glob("*/*/index.html")):
        if page.parent.parent.name in ("stories", "topics"):
            soup = german.soup(str(page.relative_to(german.output)))
            labels += [svg["aria-label"] for svg in soup.select("svg.sparkline")]
    assert labels
    for label in labels:
        assert re.fullmatch(
            r"(Erwähnungen|Aufmacher und Schlagzeilen) pro Tag: \d+ vom \d+\. \w+ \d{4}"
            r" bis \d+\. \w+ \d{4}",
            label,
        ), label


def test_a_filled_in_translation_is_remembered_only_for_plain_values():
    """A text filled in with strings and numbers is made once per build and given again;
    a ``Markup`` value is not taken for a string of the same text (one is escaped, the
    other not), and a value of another type is filled in every time."""

    class Counter:
        calls = 0

        def __str__(self):
            Counter.calls += 1
            return f"call {Counter.calls}"

    source = (
        '{{ _("%(title)s", title=t) }}|{{ _("%(title)s", title=t|safe) }}|'
        '{{ _("%(title)s", title=t) }}|{{ _("%(title)s", title=c) }}|{{ _("%(title)s", title=c) }}|'
        '{{ ngettext("%(num)d new headline", "%(num)d new headlines", 2) }}|'
        '{{ ngettext("%(num)d new headline", "%(num)d new headlines", 1) }}|'
        '{{ ngettext("%(num)d new headline", "%(num)d new headlines", 2) }}|'
        "{% autoescape false %}{{ ngettext('%(num)d x', '%(num)d <b>', 2) }}{% endautoescape %}|"
        "{{ ngettext('%(num)d x', '%(num)d <b>', 2) }}"
    )

    def reset():
        Counter.calls = 0

    rendered = rendered_both(source, reset, t="<i>x</i>", c=Counter())
    assert rendered[0] == rendered[1]
    parts = rendered[1].split("|")
    assert parts[:3] == ["&lt;i&gt;x&lt;/i&gt;", "<i>x</i>", "&lt;i&gt;x&lt;/i&gt;"]
    assert parts[3:5] == ["call 1", "call 2"]
    assert parts[5:8] == ["2 neue Schlagzeilen", "1 neue Schlagzeile", "2 neue Schlagzeilen"]
    assert parts[8:] == ["2 <b>", "2 <b>"]


def test_gettext_and_ngettext_never_give_each_others_remembered_text():
    source = '{{ ngettext("item", "items", 5) }}|{{ _("item", items=5, num=5) }}'
    rendered = rendered_both(source)
    assert rendered[0] == rendered[1] == "items|item"
