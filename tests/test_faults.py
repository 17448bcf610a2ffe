"""Builds under faults: two at once, a full disk, damaged caches, a read-only folder, a
search step that fails. Each is a real ``pelican`` process, as ``make html`` runs it, with a
time limit; each must end with a whole site or with one line and no traceback.

The tests that mount a small tmpfs need root (CI runs as root) and are skipped otherwise;
on CI (``CI`` set) a mount that fails is an error, not a skip. ``FAULT_ROUNDS`` sets how
many random damages :func:`test_random_damage_to_the_caches_never_changes_the_site` tries
(``make fuzz`` runs many more).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_corpus import good_dump
from news_digest.incremental import cache as parse_cache
from news_digest.incremental import records, snapshot
from news_digest.publish import pagefind_files, search
from news_digest.site import lock

REPO_ROOT = Path(__file__).resolve().parents[1]
PELICAN = str(Path(sys.executable).with_name("pelican"))
#: No build of these few dumps takes a minute, even on a loaded machine: past it, it hung.
BUILD_TIMEOUT = 180
#: Wide enough that Pelican's console never wraps a line (paths of tmp folders are long).
COLUMNS = "1000"
#: The random damages tried by make test; make fuzz sets FAULT_ROUNDS much higher.
FAULT_ROUNDS = int(os.environ.get("FAULT_ROUNDS", "4"))
needs_pagefind = pytest.mark.skipif(
    search.pagefind_executable() is None, reason="the pagefind binary is not installed"
)

#: (file name, title) of the test site's dumps: three months, so three search shards.
DUMPS = [
    ("2023-04-03-harbour.txt", "Harbour bridge reopens after repairs"),
    ("2023-04-17-floods.txt", "Thousands leave homes as river bursts its banks"),
    ("2023-04-28-chips.txt", "Council approves chip plant"),
    ("2023-05-03-marathon.txt", "City marathon cut short by heat"),
    ("2023-05-10-museum.txt", "Museum returns bronzes"),
    ("2023-05-24-rail.txt", "Rail strike talks resume"),
    ("2023-06-01-pandas.txt", "Zoo welcomes twin red pandas"),
    ("2023-06-09-lighthouse.txt", "Lighthouse keeper retires after forty years"),
]


def write_content(root: Path) -> Path:
    for name, title in DUMPS:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(good_dump(title), encoding="utf-8")
    return root


def command(content: Path, output: Path, cache: Path, *options: str) -> list[str]:
    return [
        PELICAN,
        str(content),
        "-o",
        str(output),
        "-s",
        str(REPO_ROOT / "pelicanconf.py"),
        "-e",
        f"CACHE_PATH={json.dumps(str(cache))}",
        *options,
    ]


def environment() -> dict[str, str]:
    return {**os.environ, "COLUMNS": COLUMNS}


def run_build(
    content: Path, output: Path, cache: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """One build in its own process, bounded in time."""
    return subprocess.run(
        command(content, output, cache, *options),
        cwd=content.parent,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=BUILD_TIMEOUT,
    )


def text_of(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def critical_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "CRITICAL" in line]


def assert_one_line(result: subprocess.CompletedProcess[str], expected: str) -> str:
    """The build failed with exit status 1 and exactly one CRITICAL line that holds
    ``expected``, and no traceback; returns that line."""
    text = text_of(result)
    assert result.returncode == 1, text
    assert "Traceback" not in text, text
    lines = critical_lines(text)
    assert len(lines) == 1, text
    assert expected in lines[0], text
    return lines[0]


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def assert_same_site(output: Path, reference: Path, index: bool = True) -> None:
    """Byte for byte the site of a clean build (builds are reproducible, search index too).
    Without ``index``, the search index is left out: Pagefind numbers pages in the order
    the file system lists them, so a build on a tmpfs gives other index bytes than one on
    the disk the reference was built on (check it with :func:`assert_whole_index`)."""
    got, want = tree(output), tree(reference)
    if not index:
        got, want = (
            {name: data for name, data in files.items() if not name.startswith("pagefind/")}
            for files in (got, want)
        )
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []


def assert_whole_index(output: Path) -> None:
    """Every shard listed in shards.json, and the primary index, have every file they name."""
    bundle = output / search.BUNDLE_DIR
    manifest = json.loads((bundle / search.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["primary"], manifest
    assert pagefind_files.index_problem(bundle, primary=True, deep=True) is None
    shards = [shard["id"] for shard in manifest["shards"]]
    assert shards == ["2023-06", "2023-05", "2023-04"]
    for name in shards:
        assert pagefind_files.index_problem(bundle / name, deep=True) is None, name


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a clean build (no cache), to compare the others with."""
    root = tmp_path_factory.mktemp("reference")
    content = write_content(root / "content")
    result = run_build(content, root / "output", root / "cache")
    assert result.returncode == 0, text_of(result)
    assert_whole_index(root / "output")
    return root / "output"


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(content, output, cache) of a fresh folder; nothing built yet."""
    return write_content(tmp_path / "content"), tmp_path / "output", tmp_path / "cache"


# ---------------------------------------------------------------------- two builds at once


@needs_pagefind
def test_builds_started_at_once_on_one_folder_all_finish_with_a_whole_site(site, reference):
    content, output, cache = site
    processes = [
        subprocess.Popen(
            command(content, output, cache),
            cwd=content.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment(),
        )
        for _ in range(3)
    ]
    texts = []
    try:
        for process in processes:
            text, _ = process.communicate(timeout=BUILD_TIMEOUT)
            texts.append(text)
            assert process.returncode == 0, text
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    for text in texts:
        assert "Traceback" not in text, text
        assert "CRITICAL" not in text, text
    assert_whole_index(output)
    assert_same_site(output, reference)
    assert not lock.lock_path(output).exists(), "the lock file is removed at the end"


@contextlib.contextmanager
def held_lock(output: Path) -> Iterator[None]:
    """The output folder's lock, held by this process as a build would hold it."""
    held = lock.BuildLock(output, timeout=0)
    held.acquire()
    try:
        yield
    finally:
        held.release()


def test_a_second_build_stops_with_one_line_when_the_first_does_not_end(site):
    content, output, cache = site
    with held_lock(output):
        started = time.monotonic()
        result = run_build(content, output, cache, "-e", 'NEWS_DIGEST={"lock_timeout": 1}')
        waited = time.monotonic() - started
    text = text_of(result)
    assert f"waiting for the build running in {output} (pid {os.getpid()})" in text
    assert_one_line(
        result, f"another build is running in {output} (pid {os.getpid()}); gave up after 1 s"
    )
    assert waited < BUILD_TIMEOUT / 2
    assert not output.exists(), "nothing was built"


def test_a_second_build_waits_for_the_first_then_builds(site):
    content, output, cache = site
    held = lock.BuildLock(output, timeout=0)
    held.acquire()
    try:
        waiting = subprocess.Popen(
            command(content, output, cache, "-e", 'NEWS_DIGEST={"pagefind": false}'),
            cwd=content.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment(),
        )
        # Read until the build says it waits (however long a loaded machine takes to start
        # it), then check that it still waits and has written nothing.
        lines: list[str] = []
        said = threading.Event()

        def read() -> None:
            for line in waiting.stdout:
                lines.append(line)
                if "waiting for the build running in" in line:
                    said.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert said.wait(BUILD_TIMEOUT), "".join(lines)
        time.sleep(1)
        assert waiting.poll() is None, "the build did not wait for the lock"
        assert not output.exists()
    finally:
        held.release()
    waiting.wait(timeout=BUILD_TIMEOUT)
    reader.join(timeout=BUILD_TIMEOUT)
    text = "".join(lines)
    assert waiting.returncode == 0, text
    assert text.count("waiting for the build running in") == 1, text
    assert "Traceback" not in text
    assert (output / "index.html").is_file()


def test_a_killed_build_does_not_block_the_next_one(site):
    """The kernel lets go of an flock when its process dies; the file it leaves is reused."""
    content, output, cache = site
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from news_digest.site.lock import BuildLock; "
            "BuildLock(sys.argv[1], 0).acquire(); print('held', flush=True); time.sleep(600)",
            str(output),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        holder.wait(timeout=30)
        assert lock.lock_path(output).exists()
        result = run_build(content, output, cache, "-e", 'NEWS_DIGEST={"lock_timeout": 5}')
    finally:
        with contextlib.suppress(ProcessLookupError):
            holder.kill()
    assert result.returncode == 0, text_of(result)
    assert "waiting for the build" not in text_of(result)


# ------------------------------------------------------------------------ the search step


@needs_pagefind
def test_a_pagefind_run_that_times_out_fails_the_build_and_the_next_build_repairs(site, reference):
    content, output, cache = site
    result = run_build(content, output, cache, "-e", 'NEWS_DIGEST={"pagefind_timeout": 0.001}')
    line = assert_one_line(result, f"search index in {output / 'pagefind'} not built: ")
    for shard in ("primary", "2023-04", "2023-05", "2023-06"):
        assert f"shard {shard}: timed out after 0.001 s (killed)" in line
    manifest = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert manifest == {"primary": "", "shards": []}, "failed shards keep no fingerprint"
    assert not list(output.glob("pagefind/.work")), "no half-made shard left"

    again = run_build(content, output, cache)
    assert again.returncode == 0, text_of(again)
    assert_whole_index(output)
    assert_same_site(output, reference)


@needs_pagefind
@pytest.mark.parametrize("damage", ["remove meta", "empty fragment", "empty index", "no entry"])
def test_a_damaged_shard_is_indexed_again_by_the_next_build(site, reference, damage):
    """Lost or emptied index files (a build killed, a full disk) are found and redone, even
    though the shard's pages and fingerprint did not change."""
    content, output, cache = site
    assert run_build(content, output, cache).returncode == 0
    shard = output / "pagefind" / "2023-05"
    if damage == "remove meta":
        (meta,) = shard.glob("pagefind.*.pf_meta")
        meta.unlink()
    elif damage == "empty fragment":
        sorted(shard.glob("fragment/*"))[0].write_bytes(b"")
    elif damage == "empty index":
        sorted(shard.glob("index/*"))[0].write_bytes(b"")
    else:
        (shard / "pagefind-entry.json").unlink()
    assert pagefind_files.index_problem(shard) is not None
    result = run_build(content, output, cache, "-D")
    assert result.returncode == 0, text_of(result)
    assert "news_digest: search index 2023-05: " in text_of(result)
    assert_whole_index(output)
    assert_same_site(output, reference)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@needs_pagefind
def test_make_publish_fails_and_keeps_the_old_site_when_the_search_step_fails(tmp_path):
    content = write_content(tmp_path / "content")
    site_dir, cache = tmp_path / "site", tmp_path / "cache"

    def publish(news_digest: str) -> subprocess.CompletedProcess[str]:
        options = f"-e 'CACHE_PATH=\"{cache}\"' 'NEWS_DIGEST={news_digest}'"
        return subprocess.run(
            [
                "make",
                "-s",
                "-o",
                ".venv/.installed",
                f"PELICAN={PELICAN}",
                "publish",
                "SITEURL=https://news.example.org",
                f"INPUTDIR={content}",
                f"OUTPUTDIR={site_dir}",
                f"PELICANOPTS={options}",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            env=environment(),
            timeout=BUILD_TIMEOUT,
        )

    ok = publish("{}")
    assert ok.returncode == 0, text_of(ok)
    before = tree(site_dir)
    (content / "2023-06-20-late.txt").write_text(good_dump("A late story"), encoding="utf-8")
    failed = publish('{"pagefind_timeout": 0.001}')
    assert failed.returncode != 0
    assert "Traceback" not in text_of(failed)
    assert len(critical_lines(text_of(failed))) == 1, text_of(failed)
    assert "the build failed" in failed.stderr
    assert tree(site_dir) == before
    assert sorted(os.listdir(tmp_path)) == ["cache", "content", "site"]


# ---------------------------------------------------------------------- damaged caches


def parse_cache_file(cache: Path) -> Path:
    return cache / parse_cache.CACHE_DIR / parse_cache.CACHE_FILE


def snapshot_path(cache: Path) -> Path:
    (path,) = (cache / parse_cache.CACHE_DIR).glob(snapshot.SNAPSHOT_GLOB)
    return path


def page_cache_file(cache: Path) -> Path:
    return cache.joinpath(*search.PAGE_CACHE)


def change_bytes(path: Path, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` in the file by ``new`` (same length): a flipped byte."""
    data = path.read_bytes()
    assert len(old) == len(new) and old in data, (path, old)
    path.write_bytes(data.replace(old, new, 1))


def rewrite_records(path: Path, change) -> None:
    """The records file at ``path`` written anew, each record passed through ``change``,
    with valid checksums: damage that only a shape check can see."""
    header = records.read_header(path)
    loaded = records.load(path, header)
    assert loaded is not None and loaded.records
    path.unlink()
    writer = records.Writer(path, header, None, append=False)
    for record in loaded.records:
        writer.add(change(record))
    writer.finish(loaded.trailer)


def rename_view_key(record):
    key, blob = record
    view = pickle.loads(blob)
    view["lead_titel"] = view.pop("lead_title")
    return key, pickle.dumps(view)


def drop_snapshot_date(record):
    name, sha, blob = record
    # The state pickles Pelican's objects by reference; a date renamed in the bytes is the
    # "changed key" of a damaged record (same length, so the pickle stays readable).
    assert b"\x8c\x04date\x94" in blob
    return name, sha, blob.replace(b"\x8c\x04date\x94", b"\x8c\x04dat_\x94")


def flip_parse_text(cache: Path) -> None:
    change_bytes(parse_cache_file(cache), b"reopened to traffic", b"reopened to traffiC")


def flip_snapshot_url(cache: Path) -> None:
    change_bytes(snapshot_path(cache), b"2023/05/10/museum", b"2023/05/11/museum")


def truncate_parse_cache(cache: Path) -> None:
    path = parse_cache_file(cache)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def flip_page_cache_shard(cache: Path) -> None:
    change_bytes(page_cache_file(cache), b"2023-05", b"2023-07")


def page_cache_of_another_shape(cache: Path) -> None:
    path = page_cache_file(cache)
    _, pages = search.load_page_cache({"CACHE_PATH": str(cache)})
    assert pages
    pages = {name: {"size": record[0]} for name, record in pages.items()}
    path.write_bytes(search.page_cache_bytes(pages))


DAMAGES = {
    "parse cache: a flipped byte of a dump's text": (flip_parse_text, "parse cache"),
    "parse cache: cut short": (truncate_parse_cache, None),
    "parse cache: a view with a changed key": (
        lambda cache: rewrite_records(parse_cache_file(cache), rename_view_key),
        "parse cache entry of",
    ),
    "snapshot: a flipped byte of a URL": (flip_snapshot_url, "article snapshot"),
    "snapshot: a state with a changed key": (
        lambda cache: rewrite_records(snapshot_path(cache), drop_snapshot_date),
        "not taken from the snapshot",
    ),
    "search pages: a flipped byte of a shard": (flip_page_cache_shard, "damaged (checksum)"),
    "search pages: records of another shape": (
        page_cache_of_another_shape,
        "a record has another shape",
    ),
}


@needs_pagefind
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_cache_gives_the_site_of_a_clean_build(site, reference, damage):
    content, output, cache = site
    # -D (debug lines) in every build: it is a setting, and the snapshot is kept per settings
    first = run_build(content, output, cache, "-D")
    assert first.returncode == 0, text_of(first)
    change, debug_line = DAMAGES[damage]
    change(cache)
    if not damage.startswith("search pages"):
        # Every page is written again from what the caches give (the page cache would
        # otherwise keep the pages of the first build).
        shutil.rmtree(output)
    else:
        # Pages of unchanged size and mtime are taken from the page cache: a wrong shard
        # there would move them in the index. Rebuilding the index shows it.
        (output / "pagefind" / "shards.json").unlink()
    result = run_build(content, output, cache, "-D")
    text = text_of(result)
    assert result.returncode == 0, text
    assert "Traceback" not in text
    if debug_line is not None:
        assert debug_line in text
    assert_same_site(output, reference)
    assert b"traffiC" not in b"".join(tree(output).values())
    # and the caches were written anew: the next build finds them whole
    again = run_build(content, output, cache, "-D")
    for damaged in ("record at offset", "not used:", "not taken from the snapshot"):
        assert damaged not in text_of(again)


def test_a_damaged_record_is_dropped_with_its_file_and_offset(tmp_path, caplog):
    path = tmp_path / "records.pickle"
    writer = records.Writer(path, "header", None, append=False)
    for n in range(3):
        writer.add(("key", f"value {n}"))
    writer.finish({"trailer": 1})
    data = bytearray(path.read_bytes())
    second = data.index(b"value 1")
    data[second + 6] ^= 0x01
    path.write_bytes(bytes(data))
    with caplog.at_level("DEBUG", logger="news_digest.incremental.records"):
        loaded = records.load(path, "header", what="test file")
    assert loaded is not None
    assert [value for _, value in loaded.records] == ["value 0", "value 2"]
    assert loaded.trailer == {"trailer": 1}
    assert not loaded.whole, "a file with a dropped record is written anew"
    assert not records.worth_appending(loaded, 2)
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"news_digest: test file {path}: record at offset ")
    assert "dropped: checksum mismatch" in message


def test_a_damaged_frame_length_ends_the_reading_there(tmp_path):
    path = tmp_path / "records.pickle"
    writer = records.Writer(path, "header", None, append=False)
    writer.add("first")
    offset = writer.handle.tell()
    writer.add("second")
    writer.finish()
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF  # the second record's length
    path.write_bytes(bytes(data))
    loaded = records.load(path, "header")
    assert loaded is not None
    assert loaded.records == ["first"] and not loaded.whole
    assert loaded.end == offset, "the next build writes the file anew from here"


def test_records_of_another_shape_are_dropped(tmp_path):
    path = tmp_path / "records.pickle"
    writer = records.Writer(path, "header", None, append=False)
    for record in [(("a.txt", "sha"), b"blob"), ("a.txt", b"blob"), (("b.txt", 1), b"x")]:
        writer.add(record)
    writer.finish()
    loaded = records.load(path, "header", parse_cache.is_cache_record)
    assert loaded is not None and loaded.records == [(("a.txt", "sha"), b"blob")]


@needs_pagefind
@pytest.mark.parametrize("seed", range(FAULT_ROUNDS))
def test_random_damage_to_the_caches_never_changes_the_site(tmp_path, reference, seed):
    """Random bytes flipped, and files cut, in every cache file at once: the site stays
    that of a clean build (``make fuzz`` runs many seeds)."""
    rng = random.Random(seed)
    content, output, cache = write_content(tmp_path / "content"), tmp_path / "out", tmp_path / "c"
    assert run_build(content, output, cache).returncode == 0
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(files) >= 4  # parse cache, snapshot, page manifest, search pages
    for path in files:
        data = bytearray(path.read_bytes())
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data) + 1)]
        for _ in range(rng.randint(1, 4)):
            if data:
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
    shutil.rmtree(output)
    result = run_build(content, output, cache)
    assert result.returncode == 0, text_of(result)
    assert "Traceback" not in text_of(result)
    assert_same_site(output, reference)


# --------------------------------------------------------- full disk and read-only folders


def mount_tmpfs(folder: Path, size: str) -> None:
    """A tmpfs of ``size`` at ``folder``; skips (fails on CI) where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    if shutil.which("mount") is None:
        pytest.skip("mount is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        reason = f"cannot mount a tmpfs here: {result.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True, timeout=60)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A folder to mount a tmpfs at; unmounted at the end of the test."""
    folder = tmp_path / "mnt"
    yield folder
    if os.path.ismount(folder):
        subprocess.run(["umount", "-l", str(folder)], check=False, timeout=60)


def size_of(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


@needs_pagefind
@pytest.mark.parametrize("full", ["output folder", "search index folder"])
def test_a_full_disk_fails_in_one_line_and_the_next_build_repairs(tmp_path, reference, full):
    """A disk that fills while the pages are written, or while Pagefind writes (it exits 0
    there, leaving empty files): one line, exit 1; once there is room again, the next build
    gives the whole site, with no page cut short left behind."""
    content = write_content(tmp_path / "content")
    output, cache = tmp_path / "output", tmp_path / "cache"
    disk = output if full == "output folder" else output / search.BUNDLE_DIR
    mount_tmpfs(disk, "64k")
    try:
        result = run_build(content, output, cache)
        text = text_of(result)
        assert result.returncode == 1, text
        assert "Traceback" not in text, text
        (line,) = critical_lines(text)
        if full == "output folder":
            assert f"cannot write {output}/" in line, line
            assert "No space left on device" in line, line
        else:
            # Our own write into the index folder fails, or Pagefind "succeeds" with empty
            # files; which comes first depends on the two runs at a time.
            ours = f"cannot write {disk}/" in line and "No space left on device" in line
            checked = f"search index in {disk} not built: shard " in line and " is empty" in line
            assert ours or checked, line
        assert not list(disk.rglob("*.tmp")), "no temporary file left behind"
        if full == "output folder":
            remount(disk, "size=64m")
        else:
            subprocess.run(["umount", str(disk)], check=True, timeout=60)
        again = run_build(content, output, cache)
        assert again.returncode == 0, text_of(again)
        assert_whole_index(output)
        assert_same_site(output, reference, index=full == "search index folder")
    finally:
        if os.path.ismount(disk):
            subprocess.run(["umount", "-l", str(disk)], check=False, timeout=60)


def long_dump(title: str) -> str:
    """A dump whose lead page is some 40 KB: more than a nearly full disk has room for."""
    lines = good_dump(title).splitlines()
    extra = [f"Paragraph {n} of the long version goes on about the repairs." for n in range(600)]
    return "\n".join([*lines[:2], *extra, *lines[2:]]) + "\n"


def test_a_page_cut_short_by_a_full_disk_does_not_survive(tmpfs, tmp_path):
    """The page writer's fingerprints skip a page whose fingerprint is the last good
    build's: a page cut short by a full disk, then its dump changed back, would stay cut
    short for good if it were written in place. Written whole or not at all, it stays the
    last good page."""
    content = write_content(tmp_path / "content")
    mount_tmpfs(tmpfs, "4m")
    output, cache = tmpfs / "out", tmpfs / "cache"
    # No Atom feed: it holds the text too, and is written before the pages.
    options = ("-e", 'NEWS_DIGEST={"pagefind": false}', "FEED_ALL_ATOM=null")
    assert run_build(content, output, cache, *options).returncode == 0
    before = tree(output)

    dump = content / "2023-05-24-rail.txt"
    dump.write_text(long_dump(DUMPS[5][1]), encoding="utf-8")
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    filler = tmpfs / "filler"
    filler.write_bytes(b"\0" * (free - 16 * 1024))
    failed = run_build(content, output, cache, *options)
    assert failed.returncode == 1, text_of(failed)
    page = output / "2023/05/24/rail-strike-talks-resume/index.html"
    assert_one_line(failed, f"cannot write {page}: No space left on device")
    assert page.read_bytes() == before[str(page.relative_to(output))], "not whole"

    filler.unlink()
    dump.write_text(good_dump(DUMPS[5][1]), encoding="utf-8")
    again = run_build(content, output, cache, *options)
    assert again.returncode == 0, text_of(again)
    assert tree(output) == before


@needs_pagefind
def test_pagefind_on_a_full_disk_is_caught_by_the_check(tmpfs, reference):
    """Pagefind exits 0 on a full disk and leaves empty files: the check says which."""
    mount_tmpfs(tmpfs, "64k")
    pages = search.shards_of(search.scan_pages(reference, {}))
    executable = search.pagefind_executable()
    error = search.index_shard(executable, reference, tmpfs, "2023-05", pages["2023-05"])
    assert error == f"{tmpfs}/2023-05/out/pagefind-entry.json is empty"


@needs_pagefind
def test_a_read_only_output_folder_fails_in_one_line(tmpfs, tmp_path, reference):
    """Root ignores mode bits, so the folder is a tmpfs remounted read-only."""
    content = write_content(tmp_path / "content")
    mount_tmpfs(tmpfs, "64m")
    output, cache = tmpfs, tmp_path / "cache"
    assert run_build(content, output, cache).returncode == 0
    (content / "2023-05-24-rail.txt").write_text(good_dump("Rail strike over"), encoding="utf-8")
    remount(tmpfs, "ro")
    result = run_build(content, output, cache)
    text = text_of(result)
    line = assert_one_line(result, f"cannot write {output}/")
    assert line.split("CRITICAL", 1)[1].strip().startswith(f"cannot write {output}/")
    assert "Read-only file system" in line
    assert [ln for ln in text.splitlines() if ln.strip()] == [text.strip()], "one line only"

    remount(tmpfs, "rw")
    (content / "2023-05-24-rail.txt").write_text(good_dump(DUMPS[5][1]), encoding="utf-8")
    again = run_build(content, output, cache)
    assert again.returncode == 0, text_of(again)
    assert_same_site(output, reference, index=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores mode bits (see the tmpfs test)")
def test_a_folder_without_write_permission_fails_in_one_line(site):
    content, output, cache = site
    assert (
        run_build(content, output, cache, "-e", 'NEWS_DIGEST={"pagefind": false}').returncode == 0
    )
    (content / "2023-05-24-rail.txt").write_text(good_dump("Rail strike over"), encoding="utf-8")
    folder = output / "2023" / "05"
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        result = run_build(content, output, cache, "-e", 'NEWS_DIGEST={"pagefind": false}')
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    line = assert_one_line(result, f"cannot write {folder}/")
    assert "Permission denied" in line


def test_disk_errors_become_one_line_and_other_errors_stay_errors(tmp_path):
    full = OSError(28, "No space left on device")
    assert (
        str(lock.disk_error(full, tmp_path)) == f"cannot write {tmp_path}: No space left on device"
    )
    named = OSError(30, "Read-only file system", str(tmp_path / "a.html"))
    assert str(lock.disk_error(named, tmp_path)) == (
        f"cannot write {tmp_path / 'a.html'}: Read-only file system"
    )
    refused = OSError(13, "Permission denied", "/elsewhere/dump.txt")
    assert str(lock.disk_error(refused, tmp_path, (str(tmp_path),))) == (
        "cannot access /elsewhere/dump.txt: Permission denied"
    )
    assert lock.disk_error(FileNotFoundError(2, "No such file"), tmp_path) is None


def test_write_whole_leaves_the_old_file_when_the_write_fails(tmpfs):
    mount_tmpfs(tmpfs, "64k")
    page = tmpfs / "page.html"
    page.write_bytes(b"old page")
    with pytest.raises(OSError) as raised:
        lock.write_whole(page, b"x" * 200_000)
    assert raised.value.errno == 28 and raised.value.filename == str(page)
    assert page.read_bytes() == b"old page"
    assert sorted(p.name for p in tmpfs.iterdir()) == ["page.html"]


# ------------------------------------------------------------------ a dump dated in the future


def test_a_future_dump_without_future_dates_is_held_back_not_a_crash(site):
    """``WITH_FUTURE_DATES = False`` makes a future dump a draft; Pelican then failed on
    its missing category. As in Pelican, it is written under ``drafts/`` only, linked from
    no listing, and the rest is built."""
    content, output, cache = site
    (content / "2099-01-01-future.txt").write_text(
        good_dump("A story from the future"), encoding="utf-8"
    )
    options = ("-e", "WITH_FUTURE_DATES=false", 'NEWS_DIGEST={"pagefind": false}')
    result = run_build(content, output, cache, *options)
    text = text_of(result)
    assert result.returncode == 0, text
    assert "Traceback" not in text and "CRITICAL" not in text
    assert "1 draft" in text
    assert "2099-01-01-future.txt" in text  # the reader's warning of its date
    pages = tree(output)
    listed = b"".join(v for k, v in pages.items() if not k.startswith("drafts/"))
    assert b"A story from the future" not in listed
    assert b"Zoo welcomes twin red pandas" in listed
    assert any(k.startswith("drafts/") for k in pages)
