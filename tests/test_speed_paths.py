"""The cheaper paths of the speed layer keep their guarantees: forked page workers without
module state, new pages written in place, installed search shards checked from their kept
file lists."""

from __future__ import annotations

import errno
import json
import os
import signal
from pathlib import Path

import pytest
from news_digest.incremental.render import forked_map
from news_digest.publish import pagefind_files, search
from news_digest.site import lock

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")


class Doubler:
    """State the workers get through the fork only (it is never pickled)."""

    def __init__(self) -> None:
        self.factor = 2
        self.pid = os.getpid()

    def __reduce__(self):  # pragma: no cover - failing here is the test's point
        raise AssertionError("the workers' function must not be pickled")

    def run(self, item: int) -> tuple[int, bool]:
        return item * self.factor, os.getpid() != self.pid


@needs_fork
def test_forked_map_gives_every_result_in_order_from_other_processes():
    results = list(forked_map(Doubler().run, list(range(50)), 2))
    assert [value for value, _ in results] == [n * 2 for n in range(50)]
    assert all(forked for _, forked in results)


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise OSError(errno.ENOSPC, "No space left on device", f"/out/{item}.html")
    return item


@needs_fork
def test_an_error_in_a_worker_is_raised_as_it_was():
    with pytest.raises(OSError) as caught:
        list(forked_map(_fail_on_seven, list(range(20)), 2))
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == "/out/7.html"


def _die_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


@needs_fork
def test_a_worker_that_dies_stops_the_map_instead_of_hanging():
    with pytest.raises(RuntimeError, match="page worker .* died"):
        list(forked_map(_die_on_three, list(range(10)), 2))


def test_a_new_page_is_written_in_place(tmp_path: Path):
    page = tmp_path / "page.html"
    stat = lock.write_new(page, b"<p>new</p>")
    assert page.read_bytes() == b"<p>new</p>"
    assert (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns) == (
        page.stat().st_ino,
        page.stat().st_size,
        page.stat().st_mtime_ns,
        page.stat().st_ctime_ns,
    )
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"], "no temporary file"


def test_a_page_that_appeared_meanwhile_is_replaced_whole(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes(b"old")
    lock.write_new(page, b"new")
    assert page.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_new_page_whose_write_fails_is_not_left(tmp_path: Path, monkeypatch):
    page = tmp_path / "page.html"
    real_open = open

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:3])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def fake_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return FullDisk(handle) if isinstance(file, int) else handle

    monkeypatch.setattr("builtins.open", fake_open)
    with pytest.raises(OSError) as caught:
        lock.write_new(page, b"0123456789")
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(page)
    assert not page.exists(), "a page cut short is removed"


# Installed shards checked from their kept file lists


def fake_shard(folder: Path) -> None:
    """A tiny index in Pagefind's layout: an entry naming one language, its meta file listing
    one fragment, one index chunk and one filter."""
    (folder / "fragment").mkdir(parents=True)
    (folder / "index").mkdir()
    (folder / "filter").mkdir()
    (folder / pagefind_files.ENTRY_FILE).write_text(
        json.dumps({"version": "1", "languages": {"en": {"hash": "en_abc", "wasm": "en"}}}),
        encoding="utf-8",
    )
    meta = ["1", [["en_frag1", 1]], [["a", "z", "en_idx1"]], [["kind", "en_flt1"]]]
    (folder / "pagefind.en_abc.pf_meta").write_bytes(
        pagefind_files.pagefind_bytes(pagefind_files.encode(meta))
    )
    for name in ("fragment/en_frag1.pf_fragment", "index/en_idx1.pf_index"):
        (folder / name).write_bytes(pagefind_files.pagefind_bytes(b"x"))
    (folder / "filter/en_flt1.pf_filter").write_bytes(pagefind_files.pagefind_bytes(b"y"))


def test_a_kept_listing_names_what_the_index_names(tmp_path: Path):
    bundle = tmp_path / "pagefind"
    fake_shard(bundle / "2023-05")
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    listings = search.ShardListings(settings)
    assert listings.damage(bundle, "2023-05", "print") is None
    listings.save()
    kept = search.ShardListings(settings).known["2023-05"]
    assert kept[0] == "print"
    assert sorted(kept[2]) == sorted(pagefind_files.named_files(bundle / "2023-05", False))


@pytest.mark.parametrize("damage", ["empty fragment", "lost filter", "lost meta"])
def test_an_unchanged_shard_with_a_kept_listing_is_still_found_damaged(tmp_path: Path, damage):
    bundle = tmp_path / "pagefind"
    shard = bundle / "2023-05"
    fake_shard(shard)
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    first = search.ShardListings(settings)
    assert first.damage(bundle, "2023-05", "print") is None
    first.save()
    if damage == "empty fragment":
        (shard / "fragment/en_frag1.pf_fragment").write_bytes(b"")
    elif damage == "lost filter":
        (shard / "filter/en_flt1.pf_filter").unlink()
    else:
        (shard / "pagefind.en_abc.pf_meta").unlink()
    again = search.ShardListings(settings)
    assert "2023-05" in again.known, "the kept listing is the one used"
    problem = again.damage(bundle, "2023-05", "print")
    assert problem is not None and ("empty" in problem or "missing" in problem), problem


def test_a_damaged_listing_file_is_not_used(tmp_path: Path):
    bundle = tmp_path / "pagefind"
    fake_shard(bundle / "2023-05")
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    listings = search.ShardListings(settings)
    listings.damage(bundle, "2023-05", "print")
    listings.save()
    path = tmp_path / "cache" / Path(*search.SHARD_CACHE)
    path.write_text(path.read_text(encoding="utf-8").replace("en_frag1", "en_frag2"))
    assert search.ShardListings(settings).known == {}


def test_a_listing_of_another_fingerprint_is_not_trusted(tmp_path: Path):
    """A shard indexed again under the same name is read whole, not from the old listing."""
    bundle = tmp_path / "pagefind"
    shard = bundle / "2023-05"
    fake_shard(shard)
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    listings = search.ShardListings(settings)
    listings.damage(bundle, "2023-05", "old print")
    listings.save()
    (shard / "fragment/en_frag1.pf_fragment").unlink()
    stale = search.ShardListings(settings)
    stale.known["2023-05"][2] = [pagefind_files.ENTRY_FILE]  # an old, shorter listing
    assert stale.damage(bundle, "2023-05", "new print") is not None
