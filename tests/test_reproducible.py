"""Same content, same site, byte for byte; and `make publish` keeps the old site on failure."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from hostile_corpus import BY_KEY, good_dump

SITEURL = "https://example.org/news"
SEARCH_INDEX = "pagefind/"
CASES = ("markup", "cp1252", "same-title-a", "same-title-b", "empty", "png", "future-date")


def write_content(root: Path) -> None:
    shutil.copytree(REPO_ROOT / "content", root)
    for key in CASES:
        (root / BY_KEY[key].name).write_bytes(BY_KEY[key].data())
    (root / "undated-story.txt").write_text(good_dump("An undated story"), encoding="utf-8")


def shuffle_mtimes(root: Path, seed: int) -> None:
    rng = random.Random(seed)
    for path in root.rglob("*"):
        moment = rng.randint(0, 2_000_000_000)
        os.utime(path, (moment, moment))


def build_in_subprocess(content: Path, output: Path, tz: str) -> None:
    """A separate process, so that nothing cached in this one is shared by the two builds."""
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("pelican")),
            str(content),
            "-o",
            str(output),
            "-s",
            str(REPO_ROOT / "publishconf.py"),
            "-e",
            f'SITEURL="{SITEURL}"',
            f'FEED_DOMAIN="{SITEURL}"',
        ],
        cwd=content.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": tz, "SITEURL": SITEURL},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_two_builds_in_different_folders_and_times_are_byte_identical(tmp_path: Path) -> None:
    first = tmp_path / "checkout-one"
    second = tmp_path / "elsewhere" / "deeper" / "checkout-two"
    write_content(first / "content")
    write_content(second / "content")
    shuffle_mtimes(first / "content", 1)
    shuffle_mtimes(second / "content", 2)
    build_in_subprocess(first / "content", first / "output", "UTC")
    time.sleep(1.1)  # a different wall clock second, and a different time zone
    build_in_subprocess(second / "content", second / "output", "Pacific/Kiritimati")
    one, two = tree(first / "output"), tree(second / "output")
    # The search index too: news_digest.publish.pagefind_files puts Pagefind's filter values
    # (written
    # from a hash map) in a stable order, and shards.json lists the shards in date order.
    assert any(n.startswith(SEARCH_INDEX) for n in one)
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []
    # Nothing names the checkout folders or the day of the build.
    today = dt.date.today().isoformat()
    for name, data in one.items():
        for needle in (str(tmp_path), "checkout-one", today):
            assert needle.encode() not in data, (name, needle)


# `make publish` stops without a SITEURL (tests/test_make_targets.py).
PUBLISH_SITEURL = "SITEURL=https://news.example.org"


def make(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """`make` in the repository, with this interpreter's Pelican and no reinstall."""
    venv_bin = Path(sys.executable).parent
    return subprocess.run(
        [
            "make",
            "-s",
            "-o",
            ".venv/.installed",
            f"PELICAN={venv_bin / 'pelican'}",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_publish_swaps_in_a_good_build_and_keeps_the_old_site_on_failure(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "2023-05-01-first.txt").write_text(good_dump("First story"), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("from an older build", encoding="utf-8")

    ok = make("publish", PUBLISH_SITEURL, f"INPUTDIR={content}", f"OUTPUTDIR={site}")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert list(site.glob("2023/05/01/first-story/index.html"))
    assert not (site / "stale.html").exists()  # the new tree replaced the old one whole
    before = tree(site)

    (content / "2023-05-02-second.txt").write_text(good_dump("Second story"), encoding="utf-8")
    failed = make(
        "publish",
        PUBLISH_SITEURL,
        f"INPUTDIR={content}",
        f"OUTPUTDIR={site}",
        f"PUBLISHCONF={tmp_path / 'broken.py'}",  # a settings file that does not exist
    )
    assert failed.returncode != 0
    assert "the build failed" in failed.stderr
    assert tree(site) == before
    assert sorted(os.listdir(tmp_path)) == ["content", "site"]  # no half-built folder left
