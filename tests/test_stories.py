"""The stories core: matching keys, story clustering, repeated scrapes, places, timelines,
and the matcher's accuracy on the labelled pairs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import marshal
import pickle
import random
import sys
from pathlib import Path

import pytest
from news_digest.parse.parser import parse_file
from news_digest.stories import match
from news_digest.stories.match import Appearance, StoryIndex, appearances_of, same_story
from news_digest.stories.normalise import headline_key
from news_digest.stories.places import Gazetteer
from news_digest.stories.scrapes import Scrape, group_scrapes, scrape_of
from news_digest.stories.timeline import (
    SPARK_MAX_DAYS,
    developing_stories,
    sparkline_svg,
    timeline,
)

ROOT = Path(__file__).resolve().parents[1]


def _bench_module(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


stories_eval = _bench_module("stories_eval")
stories_bench = _bench_module("stories_bench")


# --- normalise -------------------------------------------------------------------------


def test_prefixes_case_and_truncation_marks_give_one_key():
    plain = headline_key("Explosions kill 17 in Pakistan counter-terror office")
    assert headline_key("LIVE: Explosions kill 17 in Pakistan counter-terror office").text == (
        plain.text
    )
    assert headline_key("Breaking - explosions kill 17 in pakistan counter-terror office").text == (
        plain.text
    )
    cut = headline_key("Explosions kill 17 in Pakistan…")
    assert cut.truncated and plain.text.startswith(cut.text)
    assert headline_key(
        "En direct : explosions kill 17 in Pakistan counter-terror office"
    ).text == (plain.text)


def test_counts_are_kept_apart_but_numbers_in_names_are_not():
    a, b = headline_key("Blast kills 17 in city"), headline_key("Blast kills 20 in city")
    assert a.text == b.text and a.numbers == ("17",) and b.numbers == ("20",)
    assert "covid19" in headline_key("Covid-19 cases rise").content
    assert "g20" in headline_key("G20 summit ends").content
    assert headline_key("Five hours").text == headline_key("5 hours").text


# --- match -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Explosions kill 17 in Pakistan office", "Explosions kill 20 in Pakistan office", True),
        ("Rail strike called off as talks resume", "Rail strike called off as talks...", True),
        ("Teachers vote to accept pay offer", "Teachers vote to reject pay offer", False),
        (
            "Sudan ministers warn over fuel price rise",
            "Kenya ministers warn over fuel price rise",
            False,
        ),
        ("G20 summit ends without climate deal", "G7 summit ends without climate deal", False),
        ("Drone survey finds cracks in bridge", "Drone survey finds no cracks in bridge", False),
    ],
)
def test_same_story_rules(a, b, same):
    assert same_story(headline_key(a), headline_key(b)) is same
    assert same_story(headline_key(b), headline_key(a)) is same


def _apps():
    return [
        Appearance("Explosions kill 17 in Pakistan counter-terror office", "a.txt", "2023-05-10"),
        Appearance("Heat warning issued for the weekend", "a.txt", "2023-05-10"),
        Appearance(
            "Live: Explosions kill 20 in Pakistan counter-terror office", "b.txt", "2023-05-11"
        ),
        Appearance("Explosions kill 20 in Pakistan counter-terror…", "c.txt", "2023-05-12"),
        Appearance("Museum agrees to return 72 bronzes to their country", "c.txt", "2023-05-12"),
    ]


def test_index_clusters_variants_into_one_story_with_a_stable_id():
    index = StoryIndex()
    index.add_many(_apps())
    stories = index.stories()
    assert len(stories) == 3
    sid = index.story_of("Explosions kill 20 in Pakistan counter-terror…")
    assert [a.path for a in stories[sid]] == ["a.txt", "b.txt", "c.txt"]
    assert sid == index.story_of("Explosions kill 17 in Pakistan counter-terror office")
    assert sid.startswith("explosions-kill-n-in-pakistan")


def test_story_ids_do_not_depend_on_order_or_on_unrelated_dumps():
    forward, backward, more = StoryIndex(), StoryIndex(), StoryIndex()
    forward.add_many(_apps())
    backward.add_many(reversed(_apps()))
    more.add_many([Appearance("Ancient shipwreck found off the coast", "0.txt", "2023-05-01")])
    more.add_many(_apps())
    ids = set(forward.stories())
    assert ids == set(backward.stories())
    assert ids < set(more.stories())


def _ids_by_title(per_dump, read_each=False):
    index = StoryIndex()
    for apps in per_dump:
        index.add_many(apps)
        if read_each:  # a build adding one dump at a time
            index.stories()
    return {a.title: sid for sid, apps in index.stories().items() for a in apps}


def _unrelated_dumps(count):
    """Dumps whose headlines share no word with the benchmark's: made-up words only."""
    rng = random.Random(5)
    words = [w.lower() + "x" for w in stories_bench.made_up_names(rng, 1800)]
    return [
        [
            Appearance(" ".join(rng.sample(words, 6)).capitalize(), f"u/{n}.txt", "2023-02-01")
            for _ in range(20)
        ]
        for n in range(count)
    ]


def test_story_ids_at_scale_survive_shuffling_unrelated_dumps_and_one_by_one_adds():
    per_dump = stories_bench.portal_appearances(stories_bench.generate.generate(300))
    ids = _ids_by_title(per_dump)
    stories = len(set(ids.values()))
    assert 1000 < stories < 0.8 * len(ids)  # many stories, many titles joined
    shuffled = per_dump[:]
    random.Random(3).shuffle(shuffled)
    assert _ids_by_title(shuffled) == ids
    with_unrelated = _ids_by_title(shuffled + _unrelated_dumps(100))
    assert {t: with_unrelated[t] for t in ids} == ids
    assert _ids_by_title(per_dump, read_each=True) == ids


def test_story_ids_kept_between_reads_are_those_made_anew():
    """The index keeps its story ids between reads and makes again only those of stories
    that changed: after each dump of a shuffled site (older appearances and merged stories
    included) they equal the ids made from scratch."""
    per_dump = stories_bench.portal_appearances(stories_bench.generate.generate(120))
    random.Random(11).shuffle(per_dump)
    index = StoryIndex()
    for apps in per_dump:
        index.add_many(apps)
        kept = index.story_ids()
        fresh = StoryIndex(**{**index.__dict__, "ids": {}, "changed": set(range(len(index.keys)))})
        assert fresh.story_ids() == kept
    assert len(set(kept.values())) < len(index.keys)  # stories were joined on the way


def test_settle_leaves_the_state_that_reading_the_stories_leaves():
    """The build saves the index after ``settle`` (before the stories are made, for memory):
    the saved state must be the one ``stories`` leaves, for a cold index and for one loaded
    from its saved state and extended, as a rebuild does."""
    # 600 dumps, 400 of them saved: enough for stories joined across the two (with only
    # the changed stories' ids made, the keys' paths to their roots would differ)
    per_dump = stories_bench.portal_appearances(stories_bench.generate.generate(600))
    first, later = per_dump[:400], per_dump[400:]
    saved = StoryIndex()
    for apps in first:
        saved.add_many(apps)
    saved.stories()
    state = marshal.dumps(saved.__getstate__())  # as the story cache keeps it
    for start in (None, state):
        settled, read = (
            StoryIndex() if start is None else StoryIndex.from_state(marshal.loads(start))
            for _ in range(2)
        )
        for index in (settled, read):
            for apps in per_dump if start is None else later:
                index.add_many(apps)
        of_key = settled.settle()
        # every key points at its story's root, and every story has its id
        parent = settled.parent
        assert all(parent[root] == root for root in parent)
        assert not settled.changed and {parent[i] for i in range(len(parent))} <= set(settled.ids)
        stories = read.stories()
        assert settled.__getstate__() == read.__getstate__()
        assert settled.grouped(of_key) == stories
        assert len(set(of_key)) == len(stories) and set(of_key) == set(stories)


def test_a_key_is_cut_when_any_of_its_titles_is_whatever_came_first():
    short, cut = "Ferry sails again after storm", "Ferry sails again after storm…"
    longer = "Ferry sails again after storm damage to harbour wall repaired"
    assert not same_story(headline_key(short), headline_key(longer))
    for order in ([short, cut, longer], [cut, short, longer], [longer, short, cut]):
        index = StoryIndex()
        index.add_many(Appearance(t, f"{n}.txt", "2023-05-10") for n, t in enumerate(order))
        assert len(index.stories()) == 1, order
    # read between adds: a key filed uncut and later seen cut is compared again
    index = StoryIndex()
    index.add_many([Appearance(short, "a.txt", "2023-05-10"), Appearance(longer, "b.txt", "2023")])
    assert len(index.stories()) == 2
    index.add(Appearance(cut, "c.txt", "2023-05-11"))
    assert len(index.stories()) == 1


def test_the_index_joins_exactly_the_labelled_pairs_the_matcher_joins():
    """Blocks and the cut-title search lose no pair that ``same_story`` would join."""
    for p in stories_eval.all_pairs():
        index = StoryIndex()
        index.add_many([Appearance(p.a, "a.txt", "2023-05-10"), Appearance(p.b, "b.txt", "2023")])
        said = stories_eval.titles_match(p.a, p.b)
        assert (len(index.stories()) == 1) is said, (p.line, p.a, p.b)


def test_same_story_is_symmetric_and_cut_joins_agrees_with_it():
    # Two words of one side ("return", "returns") match one of the other: counted from
    # either side, the share of words shared differs.
    a = headline_key("Council tax return plan returns again delayed")
    b = headline_key("Council tax return plan")
    assert same_story(a, b) is same_story(b, a)
    cuts = 0
    for p in stories_eval.all_pairs():
        a, b = headline_key(p.a), headline_key(p.b)
        assert same_story(a, b) is same_story(b, a), (p.a, p.b)
        short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
        if match.is_prefix(short, long):
            cuts += 1
            assert match.cut_joins(short, long) is same_story(a, b), (p.a, p.b)
    assert cuts > 30


def test_blocks_stay_small_however_common_the_words():
    """Thousands of headlines made of the same few words: no block holds more than
    COMMON_STEM_KEYS keys, and one more headline costs a bounded number of comparisons."""
    rng = random.Random(1)
    vocab = [
        "police",
        "fire",
        "council",
        "school",
        "river",
        "bridge",
        "storm",
        "minister",
        "hospital",
        "strike",
    ]
    index = StoryIndex()
    for n in range(3000):
        words = [*rng.sample(vocab, 5), f"item{n}"]
        index.add(Appearance(" ".join(words), f"{n}.txt", "2023-01-01"))
    index.stories()
    sizes = [len(b) if isinstance(b, list) else 1 for b in index.blocks.values()]
    assert max(sizes) <= match.COMMON_STEM_KEYS
    before = index.comparisons
    title = index.keys[77].text + " tonight"
    index.add(Appearance(title, "x.txt", "2023-01-02"))
    assert index.story_of(title) == index.story_of(index.keys[77].text)
    assert 0 < index.comparisons - before <= 2 * match.COMMON_STEM_KEYS


def test_an_index_pickled_between_builds_goes_on_the_same():
    index = StoryIndex()
    index.add_many(_apps()[:3])
    index.stories()
    again = pickle.loads(pickle.dumps(index))
    for i in (index, again):
        i.add_many(_apps()[3:])
    assert again.stories() == index.stories()


def test_an_index_read_back_makes_its_keys_again_only_when_used():
    """The cache holds each key as its first title: a key read back is that title's key,
    with the numbers of that title and cut when a later title of it was."""
    per_dump = stories_bench.portal_appearances(stories_bench.generate.generate(60))
    index = StoryIndex()
    for apps in per_dump:
        index.add_many(apps)
    index.add(Appearance("Explosions kill 17 in Pakistan office", "x.txt", "2023-05-10"))
    index.add(Appearance("Explosions kill 20 in Pakistan office…", "y.txt", "2023-05-11"))
    index.stories()
    assert any(key.numbers for key in index.keys)
    assert any(
        key.truncated != headline_key(t).truncated
        for key, t in zip(index.keys, index.key_titles, strict=True)
    )
    again = pickle.loads(pickle.dumps(index))
    assert not again.keys.made  # nothing made until used
    assert again.keys[len(index.keys) - 1] == index.keys[-1]
    assert len(again.keys.made) == 1
    assert [again.keys[i] for i in range(len(index.keys))] == index.keys
    # Read back twice (a third build): the flags of keys made and not made are kept.
    assert [pickle.loads(pickle.dumps(again)).keys[i] for i in range(len(index.keys))] == (
        index.keys
    )


def test_adding_one_dump_compares_only_its_blocks():
    index = StoryIndex()
    for n in range(300):
        index.add(
            Appearance(
                f"Unrelated headline number {n} about item{n} today", f"{n}.txt", "2023-01-01"
            )
        )
    index.stories()
    before = index.comparisons
    index.add(Appearance("Ferry operator adds night sailings", "x.txt", "2023-01-02"))
    seventh = "Unrelated headline number 7 about item7 today"
    index.add(Appearance(seventh + " and tonight", "y.txt", "2023-01-02"))
    assert index.story_of(seventh + " and tonight") == index.story_of(seventh)
    assert 0 < index.comparisons - before < 10


def test_appearances_of_the_example_dumps():
    index = StoryIndex()
    for path in sorted((ROOT / "content").rglob("*.txt")):
        index.add_many(appearances_of(parse_file(path)))
    assert index.story_of("N Korea sold arms to Russia's Wagner group, US says")


# --- accuracy on the labelled pairs ----------------------------------------------------


def test_pairs_file_has_enough_varied_pairs():
    pairs = stories_eval.all_pairs()
    assert len(pairs) >= 300
    kept_aside = stories_eval.read_pairs(stories_eval.HELD_OUT, kept_aside=True)
    assert len(kept_aside) >= 60 and all(p.held_out for p in kept_aside)
    for language in ("German", "French", "Spanish"):
        assert sum(language in p.note for p in kept_aside) >= 5
    assert sum(p.same for p in pairs) >= 100 and sum(not p.same for p in pairs) >= 100
    assert 0.2 < sum(p.held_out for p in pairs) / len(pairs) < 0.45


@pytest.mark.parametrize("part", ["tuning", "held-out"])
def test_matcher_meets_precision_and_recall(part):
    pairs = [p for p in stories_eval.all_pairs() if p.held_out == (part == "held-out")]
    result, wrong = stories_eval.score(pairs, stories_eval.titles_match)
    assert result.precision >= 0.97, (result, wrong)
    assert result.recall >= 0.90, (result, wrong)


def test_a_broken_matcher_fails_the_bar(monkeypatch):
    monkeypatch.setattr(match, "SWAP_MIN_SHARED", 2)  # any one-word swap joins
    pairs = stories_eval.all_pairs()
    result, _ = stories_eval.score(pairs, stories_eval.titles_match)
    assert result.precision < 0.97
    lenient, _ = stories_eval.score(pairs, lambda a, b: True)
    assert lenient.precision < 0.97
    strict, _ = stories_eval.score(pairs, lambda a, b: a == b)
    assert strict.recall < 0.90


def test_a_malformed_pairs_file_names_its_line(tmp_path):
    bad = tmp_path / "pairs.tsv"
    bad.write_text("a\tb\tsame\tnote\nx\ty\t2\tbad label\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs.tsv:2:"):
        stories_eval.read_pairs(bad)


# --- scrapes ---------------------------------------------------------------------------

T0 = dt.datetime(2023, 5, 10, 8, tzinfo=dt.UTC)


EXTRA = {"08.txt": "Castle ruins reopen to visitors", "09.txt": "Ferry company adds summer routes"}


def _scrape(path, hours, paragraphs, sha, source=None, title="N Korea sold arms to Wagner"):
    heads = ("Heat warning issued for the weekend", EXTRA.get(path, "Golf course turned into park"))
    return Scrape(path, T0 + dt.timedelta(hours=hours), source, title, paragraphs, heads, sha)


def test_repeated_scrapes_become_one_lead_with_versions_and_copies():
    text = ("The United States has accused North Korea.", "Both have denied the reports.")
    scrapes = [
        _scrape("09.txt", 1, text + ("A new paragraph.",), "b"),
        _scrape("08.txt", 0, text, "a"),
        _scrape("10.txt", 2, text + ("A new paragraph.",), "b"),  # byte-identical to 09
        _scrape("next-week.txt", 200, text, "c"),  # outside the window
    ]
    leads = group_scrapes(scrapes)
    assert [[v.path for v in lead.versions] for lead in leads] == [
        ["08.txt", "09.txt"],
        ["next-week.txt"],
    ]
    first = leads[0]
    assert first.newest.path == "09.txt"
    assert [(c.path, o.path) for c, o in first.copies] == [("10.txt", "09.txt")]
    assert first.changes[0].added == ("A new paragraph.",) and first.changes[0].removed == ()
    assert first.headlines == [
        "Heat warning issued for the weekend",
        "Ferry company adds summer routes",
        "Castle ruins reopen to visitors",
    ]


def test_same_title_with_other_text_or_other_address_stays_apart():
    a = _scrape("a.txt", 0, ("One story entirely about a harbour bridge.",), "a")
    b = _scrape("b.txt", 1, ("Something else: a marathon in the heat, cut short.",), "b")
    assert len(group_scrapes([a, b])) == 2
    c = _scrape("c.txt", 0, ("Same text.",), "c", source="https://example.com/one")
    d = _scrape("d.txt", 1, ("Same text.",), "d", source="https://example.com/two")
    assert len(group_scrapes([c, d])) == 2
    e = _scrape("e.txt", 2, ("Other text.",), "e", source="https://example.com/one/?utm=x")
    assert [v.path for v in group_scrapes([c, e])[0].versions] == ["c.txt", "e.txt"]


def test_scrape_of_a_parsed_dump_keeps_its_source_and_hash():
    path = ROOT / "content" / "2023-04-19-tessel-valley-floods.txt"
    s = scrape_of(parse_file(path), path.read_bytes())
    assert s.source == "https://news.example.com/world/tessel-valley-floods"
    assert len(s.sha1) == 40 and s.paragraphs and s.headlines


# --- places ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


def test_places_with_aliases_cities_and_no_pronoun_us(gazetteer):
    found = gazetteer.find("N Korea sold arms to Russia's Wagner group, US says")
    assert [p.slug for p in found] == ["north-korea", "russia", "united-states"]
    assert [p.slug for p in gazetteer.find("Fire in Mexico City and São Paulo")] == [
        "mexico-city",
        "sao-paulo",
    ]
    assert gazetteer.find("Runners told us the heat was too much") == ()
    assert [p.kind for p in gazetteer.find("UK weighs Sudan evacuation options")] == [
        "country",
        "country",
    ]


# --- timeline --------------------------------------------------------------------------


def test_timeline_counts_days_and_developing():
    apps = [
        Appearance("Heat warning", "a.txt", "2023-05-10"),
        Appearance("Heat warning", "b.txt", "2023-05-10T18:00"),
        Appearance("Heat warning", "c.txt", "2023-05-12"),
        Appearance("Heat warning", "d.txt", "2023-05-14"),
    ]
    t = timeline("heat", apps)
    assert (t.digests, t.days) == (4, 3)
    assert t.per_day[0] == (dt.date(2023, 5, 10), 2) and len(t.per_day) == 5
    assert t.seen_line() == "seen on 3 days since 2023-05-10"
    assert t.developing(dt.date(2023, 5, 14))
    assert not t.developing(dt.date(2023, 5, 20))
    assert developing_stories([t], dt.date(2023, 5, 14)) == [t]


def test_a_timeline_over_years_holds_the_days_its_sparkline_draws():
    apps = [
        Appearance("Budget talks", f"{i}.txt", d)
        for i, d in enumerate(
            ["2021-01-01", "2021-01-02", "2021-01-04", "2023-03-01", "2023-03-03"]
        )
    ]
    t = timeline("budget", apps)
    assert (t.first_seen, t.last_seen, t.days, t.digests) == (
        dt.date(2021, 1, 1),
        dt.date(2023, 3, 3),
        5,
        5,
    )
    assert len(t.per_day) == SPARK_MAX_DAYS and t.per_day[-1] == (dt.date(2023, 3, 3), 1)
    assert sum(n for _, n in t.per_day) == 2
    # developing is asked of any day, also one before the days the sparkline draws
    assert t.developing(dt.date(2021, 1, 5)) and not t.developing(dt.date(2021, 1, 12))
    assert not t.developing(dt.date(2023, 3, 3))
    assert (t.drawn_first, t.drawn_last, t.drawn_total) == (
        dt.date(2023, 1, 3),
        dt.date(2023, 3, 3),
        2,
    )
    svg = sparkline_svg(t, "Budget talks: 2 from January 3 to March 3")
    # a bar on each day seen, a gap (no bar of height 0) on the others
    assert svg.count("<rect ") == 2 and 'height="0.00"' not in svg
    assert svg.count("Budget talks: 2 from January 3 to March 3") == 3  # title, label, text
    assert "<title>2023-03-01: 1</title>" in svg and "<title>2023-03-03: 1</title>" in svg


def test_sparkline_escapes_text_and_has_a_title_and_alternative():
    t = timeline("x", [Appearance("a", "a.txt", "2023-05-10")])
    svg = sparkline_svg(t, '<script>alert("x")</script>')
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>" in svg and 'role="img"' in svg and "visually-hidden" in svg


def test_stories_grouped_from_a_stale_settle_are_refused():
    index = StoryIndex()
    index.add_many([Appearance("Ferry strike enters second day", "a.txt", "2023-03-01")])
    of_key = index.settle()
    index.add_many([Appearance("Dam repairs begin on the river", "b.txt", "2023-03-02")])
    with pytest.raises(ValueError):
        index.grouped(of_key)
    assert len(index.stories()) == 2
