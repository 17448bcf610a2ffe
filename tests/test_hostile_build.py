"""The hostile corpus through real Pelican builds: the site is built whatever the dumps hold.

One build reads every small case of tests/hostile_corpus.py next to good dumps. For each
case the build's parse report has its expected status and message, the log names the file
(and line), the rest of the site is there, and nothing is written outside the output folder.
The same build's output files are then parsed one by one to prove that no element, attribute
or template expression came from the dumps' text.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO_ROOT, Site, build
from hostile_corpus import BY_KEY, CASES, CREDIT_PAYLOAD, PAYLOADS, TEMPLATE, good_dump
from news_digest.parse.report import readable_path

SMALL = [case for case in CASES if not case.big]
SITEURL = "https://example.org/news"
GOOD = {
    "2023-05-01-good-one.txt": good_dump("Good dump one"),
    "2023-05-02-good-two.txt": good_dump("Good dump two"),
}


def write_content(root: Path, cases=SMALL) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (root / name).write_text(text, encoding="utf-8")
    for case in cases:
        (root / case.name).write_bytes(case.data())


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Site:
    top = tmp_path_factory.mktemp("hostile")
    content, output = top / "content", top / "output"
    write_content(content)
    before_content, before_cwd = listing(content), set(os.listdir(os.getcwd()))
    site = build(
        "publishconf.py",
        content,
        output,
        SITEURL=SITEURL,
        FEED_DOMAIN=SITEURL,
        RELATIVE_URLS=False,
        CACHE_PATH=str(top / "cache"),  # a cache is the one thing kept outside the output
    )
    assert listing(content) == before_content, "the build wrote into the content folder"
    assert set(os.listdir(top)) <= {"content", "output", "cache"}, "the build wrote elsewhere"
    assert set(os.listdir(os.getcwd())) == before_cwd, "the build wrote into the working folder"
    return site


def report(site: Site) -> dict:
    """The build's parse report: in CACHE_PATH (these builds: next to the output), not in
    the published output."""
    assert not (site.output / "parse-report.json").exists()
    path = site.output.parent / "cache" / "parse-report.json"
    return json.loads(path.read_text(encoding="utf-8"))


def entry(site: Site, name: str) -> dict:
    return next(e for e in report(site)["dumps"] if e["source"] == readable_path(name))


# --------------------------------------------------------------------- the corpus, built


@pytest.mark.parametrize("case", SMALL, ids=[c.key for c in SMALL])
def test_each_bad_input_gets_its_status_and_message_in_the_build(hostile: Site, case) -> None:
    got = entry(hostile, case.name)
    assert got["status"] == case.build_outcome
    if case.build_outcome == "error":
        assert got["error"]["line"] == case.line
        assert re.search(case.build_message, got["error"]["message"])
    elif case.build_outcome == "warning":
        assert len(got["warnings"]) == 1, got["warnings"]
        assert re.search(case.build_message, got["warnings"][0]["message"])
        assert got["warnings"][0]["line"] == (case.line if case.build is None else None)
    else:
        assert got["warnings"] == []


def test_the_log_names_file_and_line_of_each_problem(hostile: Site) -> None:
    warnings = hostile.messages(logging.WARNING)
    for case in SMALL:
        if case.build_outcome == "ok":
            assert not any(m.startswith(case.name + ":") for m in warnings), case.key
    png, nul = BY_KEY["png"], BY_KEY["nul-bytes"]
    assert f"{png.name}:{png.line}: not a text file (NUL byte) (dump skipped)" in warnings
    assert f"{nul.name}:{nul.line}: not a text file (NUL byte) (dump skipped)" in warnings
    # Pelican shows the first few warnings of one kind, then says the rest are not shown;
    # the end-of-build list and the report have every one.
    problems = [c for c in SMALL if c.build_outcome == "warning"]
    shown = [c for c in problems if any(m.startswith(c.name + ":") for m in warnings)]
    assert shown == problems or "Further dump warnings are not shown" in warnings
    assert hostile.messages(logging.ERROR) == []
    assert hostile.messages(logging.CRITICAL) == []


def test_the_rest_of_the_site_is_built(hostile: Site) -> None:
    for slug in ("good-dump-one", "good-dump-two", "harbour-bridge-reopens-after-repairs"):
        assert list(hostile.output.glob(f"2023/05/*/{slug}/index.html")), slug
    assert (hostile.output / "index.html").is_file()
    assert (hostile.output / "feeds" / "all.atom.xml").is_file()


def test_unreadable_dumps_make_no_page(hostile: Site) -> None:
    pages = "\n".join(p.read_text(encoding="utf-8") for p in hostile.html_files())
    assert "2023-05-10-photo" not in pages and "2023-05-10-nul" not in pages


def test_every_output_file_stays_inside_the_output_folder(hostile: Site) -> None:
    root = hostile.output.resolve()
    for path in hostile.output.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(root), path
    names = {p.name for p in hostile.output.rglob("*")}
    assert "passwd" not in names


def test_same_title_and_date_give_two_pages(hostile: Site) -> None:
    pages = sorted(hostile.output.glob("2023/05/10/two-dumps-share-this-title*/index.html"))
    assert len(pages) == 2
    editors = {p.read_text(encoding="utf-8").count("Two dumps share this title") > 0 for p in pages}
    assert editors == {True}


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("upper-case-ext", "2023/05/10/loud/index.html"),
        ("con-title", "2023/05/10/con-1/index.html"),
        ("con-name", "2023/05/10/con-1*/index.html"),
        ("path-title", "2023/05/10/etc-passwd/index.html"),
        ("path-slug-header", "2023/05/10/tmp-evil/index.html"),
        ("future-date", "2999/01/01/from-the-future/index.html"),
        ("spaces-non-ascii-name", "2023/05/10/spaces-and-unicode-in-the-file-name/index.html"),
        ("utf-16", "2023/05/10/harbour-bridge-reopens-after-repairs*/index.html"),
        ("cp1252", "2023/05/10/cafe-owner-wins-at-last/index.html"),
        ("latin-1-file-name", "2023/05/10/latin-1-bytes-in-the-file-name/index.html"),
    ],
)
def test_odd_dumps_get_plain_urls(hostile: Site, key: str, pattern: str) -> None:
    assert list(hostile.output.glob(pattern)), (key, pattern)


def test_empty_dumps_are_reported_and_make_no_page(hostile: Site) -> None:
    warnings = hostile.messages(logging.WARNING)
    for key in ("empty", "whitespace", "bom-only"):
        name = BY_KEY[key].name
        got = entry(hostile, name)
        assert got["status"] == "warning"
        assert got["paragraphs"] == got["headlines"] == 0
        slug = name.removesuffix(".txt").removeprefix("2023-05-10-")
        assert not (hostile.output / "2023/05/10" / slug).exists(), slug
    assert (
        "2023-05-10-empty.txt: nothing to publish: empty dump: no text (dump skipped)" in warnings
    )


# --------------------------------------------------------------------- escaping, every file

# Elements and attributes that only the theme may bring; the dumps bring none.
ACTIVE_ELEMENTS = {"script", "img", "iframe", "object", "embed", "svg", "math", "form", "base"}


def output_files(site: Site, suffix: str) -> list[Path]:
    return sorted(p for p in site.output.rglob(f"*{suffix}") if p.is_file())


def test_html_has_no_element_or_attribute_from_the_content(hostile: Site) -> None:
    files = output_files(hostile, ".html")
    assert files
    seen_payload = False
    for path in files:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (path, tag)
                values = value if isinstance(value, list) else [value]
                assert not any(v.strip().lower().startswith("javascript:") for v in values)
            if tag.name not in ACTIVE_ELEMENTS:
                continue
            # The theme's own scripts, forms and icons are fine; none may carry the payloads.
            # (JSON-LD holds the dumps' text as JSON strings: checked apart below.)
            json_ld = tag.name == "script" and tag.get("type") == "application/ld+json"
            assert "alert" not in str(tag.attrs), (path, tag)
            assert json_ld or "alert" not in (tag.string or ""), (path, tag)
            assert tag.get("src") != "x", (path, tag)
            if tag.name == "script":
                if tag.get("type") == "application/ld+json":
                    json.loads(tag.string or "")  # parses: the content did not end it
                    assert "</script" not in (tag.string or "").lower()
                else:
                    assert tag.get("src") and not (tag.string or "").strip(), (path, tag)
                    assert "alert" not in tag["src"]
        text = soup.get_text()
        seen_payload |= all(p in text for p in PAYLOADS)
    assert seen_payload, "the payloads should appear as text on some page"


def test_the_template_expression_stays_text(hostile: Site) -> None:
    [page] = hostile.output.glob("2023/05/10/script-script-alert-1-script*/index.html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    title = soup.find("h1").get_text()
    assert TEMPLATE in title and "49" not in title
    assert CREDIT_PAYLOAD in soup.get_text()
    body = soup.find("main").get_text()
    assert "{% include 'base.html' %}" in body and "${7*7}" in body


def test_xml_files_parse_and_hold_no_markup_from_the_content(hostile: Site) -> None:
    files = output_files(hostile, ".xml")
    assert files
    for path in files:
        root = ET.parse(path).getroot()
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            assert local not in ACTIVE_ELEMENTS, (path, local)
            assert not any(k.lower().startswith("on") for k in element.attrib), (path, element)
        # Atom content and summaries of type "html", and RSS descriptions, are HTML inside
        # XML text: parse that too. Other elements hold plain text.
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            holds_html = element.get("type") == "html" or local in ("description", "encoded")
            if holds_html and element.text:
                inner = BeautifulSoup(element.text, "html.parser")
                assert not inner.find_all(ACTIVE_ELEMENTS), (path, element.text[:200])
                for tag in inner.find_all(True):
                    assert not any(a.lower().startswith("on") for a in tag.attrs), (path, tag)


def test_json_files_parse_and_keep_the_payloads_as_strings(hostile: Site) -> None:
    files = output_files(hostile, ".json")
    assert files
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(data, ensure_ascii=False)
        assert "49" not in re.findall(r"\{\{ ?(\S+) ?\}\}", text)


def test_every_page_declares_a_content_security_policy(hostile: Site) -> None:
    for path in output_files(hostile, ".html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, path
        policy = dict(
            (part.split()[0], part.split()[1:]) for part in meta["content"].split(";") if part
        )
        assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"], path
        assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"]), path
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], path


# --------------------------------------------------------------------- big dumps


def test_big_dumps_build_and_are_reported(tmp_path: Path) -> None:
    """10 MB, a 1 MB line and 100,000 headlines in one build (about ten seconds)."""
    content = tmp_path / "content"
    write_content(content, [case for case in CASES if case.big])
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "output",
        CACHE_PATH=str(tmp_path / "cache"),
        NEWS_DIGEST={"max_headlines": None},  # every headline on its page: no cap here
    )
    assert site.messages(logging.WARNING) == []
    by_source = {e["source"]: e for e in report(site)["dumps"]}
    assert by_source["2023-05-10-many.txt"]["headlines"] == 100_002
    assert by_source["2023-05-10-long-line.txt"]["paragraphs"] == 1
    assert by_source["2023-05-10-ten-mb.txt"]["paragraphs"] > 70_000
    for slug in ("ten-megabyte-dump", "one-megabyte-line", "harbour-bridge-reopens-after-repairs"):
        assert list(site.output.glob(f"2023/05/10/{slug}/index.html")), slug


# --------------------------------------------------------------------- strict mode


def run_pelican(content: Path, output: Path, *options: str) -> subprocess.CompletedProcess:
    """Build ``content`` with the repository's settings in a child process, as `make` does."""
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("pelican")),
            str(content),
            "-o",
            str(output),
            "-s",
            str(REPO_ROOT / "pelicanconf.py"),
            *options,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def test_strict_build_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_content(content, [BY_KEY["png"], BY_KEY["impossible-date"], BY_KEY["markup"]])
    result = run_pelican(
        content, tmp_path / "out", "--fatal", "errors", "-e", "NEWS_DIGEST_STRICT=true"
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert "2023-05-10-photo.txt:3: error: not a text file (NUL byte)" in out
    assert "2023-05-10-impossible-date.txt:2: warning: Date: '2023-02-30'" in out
    assert "strict build failed: 2 warnings or errors" in out


def test_build_of_the_corpus_exits_0_and_lists_the_problems(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_content(content)
    result = run_pelican(content, tmp_path / "out")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Traceback" not in out
    errors = sum(case.outcome == "error" for case in SMALL)
    assert f"{len(SMALL) + len(GOOD)} dumps read: " in result.stdout
    assert f", {errors} not readable; " in result.stdout
    for case in SMALL:
        if case.build_outcome != "ok":
            name = readable_path(case.name)
            where = f"{name}:{case.line}" if case.line else name
            assert f"{where}: {case.build_outcome}: " in result.stdout, case.key


def test_strict_build_of_good_dumps_passes_and_prints_the_summary(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_content(content, [])
    result = run_pelican(content, tmp_path / "out", "-e", "NEWS_DIGEST_STRICT=true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 dumps read: 2 clean, 0 with warnings, 0 not readable" in result.stdout


def test_a_dump_that_cannot_be_opened_is_one_warning(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_content(content, [])
    (content / "2023-05-10-broken-link.txt").symlink_to(tmp_path / "gone.txt")
    site = build("pelicanconf.py", content, tmp_path / "output", CACHE_PATH=str(tmp_path / "cache"))
    warnings = site.messages(logging.WARNING)
    assert "2023-05-10-broken-link.txt: No such file or directory (dump skipped)" in warnings
    assert site.messages(logging.ERROR) == []
    got = entry(site, "2023-05-10-broken-link.txt")
    assert got["status"] == "error"
    assert list(site.output.glob("2023/05/01/good-dump-one/index.html"))
