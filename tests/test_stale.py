"""Nothing stale in the output folder: after any change, an incremental build leaves exactly
what a clean build writes (news_digest.site.outputs), search index included; and a page is
skipped as unchanged only when its bytes are known to be on disk."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import build, write_fixture_content
from site_edits import assert_same_as_clean, copy_theme, tree

HARBOUR = "2023-05-10-harbour.txt"
HARBOUR_PAGE = "2023/05/10/harbour-bridge-closed-after-cracks-found/index.html"
HARBOUR_DIGEST = "2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/index.html"
#: The newest dump's lead page: the first page the plugin renders.
NEWEST_PAGE = "2023/06/01/zoo-welcomes-twin-red-pandas/index.html"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_fixture_content(tmp_path / "content")
    return tmp_path


def _build(work: Path, settings_file: str = "pelicanconf.py", output: str = "output", **extra):
    options = {"CACHE_PATH": str(work / "cache"), "DEFAULT_PAGINATION": 2, **extra}
    return build(settings_file, work / "content", work / output, **options)


def _same_as_clean(work: Path, settings_file: str = "pelicanconf.py", **extra) -> None:
    assert_same_as_clean(
        work,
        work / "content",
        work / "output",
        settings_file,
        DEFAULT_PAGINATION=2,
        **extra,
    )


def _search_text(output: Path) -> bytes:
    """Every file of the search index, concatenated (fragments are gzip: compared whole)."""
    return b"".join(p.read_bytes() for p in sorted((output / "pagefind").rglob("*")) if p.is_file())


def test_a_deleted_dump_leaves_no_page_and_no_search_record(work: Path) -> None:
    _build(work)
    output = work / "output"
    assert (output / HARBOUR_PAGE).is_file() and (output / HARBOUR_DIGEST).is_file()
    search_before = _search_text(output)
    (work / "content" / HARBOUR).unlink()
    _build(work)
    assert not (output / HARBOUR_PAGE).exists()
    assert not (output / HARBOUR_DIGEST).exists()
    # Its day had no other dump: the day's archive and its folder are gone too.
    assert not (output / "2023/05/10").exists()
    assert _search_text(output) != search_before
    _same_as_clean(work)


def test_a_renamed_dump_keeps_no_page_at_its_old_address(work: Path) -> None:
    _build(work)
    content = work / "content"
    (content / "undated-clock.txt").rename(content / "2023-05-20-clock.txt")
    _build(work)
    assert not list((work / "output" / "1970").rglob("*.html"))
    _same_as_clean(work)


def test_a_re_dated_dump_moves_with_its_archives(work: Path) -> None:
    _build(work)
    dump = work / "content" / HARBOUR
    dump.write_text("Date: 2024-02-29\n\n" + dump.read_text(encoding="utf-8"), encoding="utf-8")
    _build(work)
    assert not (work / "output" / HARBOUR_PAGE).exists()
    assert (work / "output" / HARBOUR_PAGE.replace("2023/05/10", "2024/02/29")).is_file()
    _same_as_clean(work)


def test_a_re_titled_dump_keeps_no_page_under_its_old_slug(work: Path) -> None:
    _build(work)
    dump = work / "content" / HARBOUR
    text = dump.read_text(encoding="utf-8")
    dump.write_text(text.replace("Harbour bridge closed", "Harbour bridge shut", 1), "utf-8")
    _build(work)
    assert not (work / "output" / HARBOUR_PAGE).exists()
    _same_as_clean(work)


def test_pagination_that_shrinks_leaves_no_old_page(work: Path) -> None:
    _build(work)
    output = work / "output"
    assert (output / "page/2/index.html").is_file()
    for path in sorted((work / "content").rglob("*.txt"))[:4]:
        path.unlink()
    _build(work)
    assert not (output / "page").exists()
    _same_as_clean(work)


def test_a_new_digest_dirname_leaves_no_old_digest_page(work: Path) -> None:
    _build(work)
    _build(work, NEWS_DIGEST={"digest_dirname": "more"})
    output = work / "output"
    assert not (output / HARBOUR_DIGEST).exists()
    assert (output / HARBOUR_DIGEST.replace("/headlines/", "/more/")).is_file()
    _same_as_clean(work, NEWS_DIGEST={"digest_dirname": "more"})


def test_html_after_publish_into_the_same_folder_rewrites_every_page(work: Path) -> None:
    """As ``make publish`` then ``make html``: the published folder is renamed into place,
    and the local build must neither keep its pages (absolute URLs) nor its sitemaps."""
    _build(work)
    published = {"SITEURL": "https://example.org/news", "FEED_DOMAIN": "https://example.org"}
    _build(work, "publishconf.py", output="output.new", **published)
    assert (work / "output.new" / "sitemap.xml").is_file()
    shutil.rmtree(work / "output")
    (work / "output.new").rename(work / "output")
    _build(work)
    assert not (work / "output" / "sitemap.xml").exists()
    assert not (work / "output" / "robots.txt").exists()
    _same_as_clean(work)


def test_a_page_changed_on_disk_is_written_again(work: Path) -> None:
    """A fingerprint is trusted only for the bytes the build wrote: a page rewritten by
    something else (here, same size and mtime put back) is rendered again."""
    _build(work)
    page = work / "output" / HARBOUR_PAGE
    stat = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace(b"Harbour", b"Hxrbour"))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _build(work)
    assert page.read_bytes() == data


def test_a_build_that_fails_half_way_leaves_no_page_the_next_build_keeps(work: Path) -> None:
    """A broken template stops the build after some pages are written; undoing the change
    must give the pages of the working template back."""
    theme = copy_theme(work / "theme")
    _build(work, THEME=str(theme))
    headlines = theme / "templates" / "headlines.html"
    good = headlines.read_text(encoding="utf-8")
    # The lead pages are rendered with the new base; the digest pages then fail.
    base = theme / "templates" / "base.html"
    good_base = base.read_text(encoding="utf-8")
    base.write_text(good_base.replace("</body>", "<p>half-way</p></body>", 1), "utf-8")
    broken = good.replace("{% block content %}", "{% block content %}{{ no_such_variable.x }}")
    assert broken != good
    headlines.write_text(broken, encoding="utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        _build(work, THEME=str(theme))
    assert b"half-way" in (work / "output" / NEWEST_PAGE).read_bytes()
    base.write_text(good_base, encoding="utf-8")
    headlines.write_text(good, encoding="utf-8")
    _build(work, THEME=str(theme))
    assert b"half-way" not in (work / "output" / NEWEST_PAGE).read_bytes()
    _same_as_clean(work, THEME=str(theme))


def test_files_the_build_does_not_know_are_left_alone(work: Path) -> None:
    """Only what a build of the plugin wrote is ever removed."""
    _build(work)
    mine = work / "output" / "CNAME"
    mine.write_text("news.example.org\n", encoding="utf-8")
    (work / "content" / HARBOUR).unlink()
    _build(work)
    assert mine.read_text(encoding="utf-8") == "news.example.org\n"
    assert "CNAME" in tree(work / "output")


def test_a_page_write_killed_half_way_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A build killed inside a page's write leaves ``PAGE.PID.tmp`` beside the page; the
    next build, which reads the killed build's journal, removes it (a clean build has none)."""
    from news_digest.site.lock import temporary_name
    from news_digest.site.outputs import OutputLedger

    output, cache = tmp_path / "output", tmp_path / "cache" / "news_digest"
    page = output / "2023" / "05" / "10" / "story" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("old", encoding="utf-8")
    leftover = Path(temporary_name(page, 4242))
    leftover.write_text("half a pa", encoding="utf-8")
    other = page.with_name("index.html.notes.tmp")  # not ours: left alone
    other.write_text("x", encoding="utf-8")
    killed = OutputLedger(str(output), cache, trust=True)
    killed.about_to_write(["2023/05/10/story/index.html"])  # then the build is killed
    killed._journal.close()

    OutputLedger(str(output), cache, trust=True)
    assert not leftover.exists()
    assert page.read_text(encoding="utf-8") == "old" and other.exists()
