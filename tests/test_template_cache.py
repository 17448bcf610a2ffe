"""Compiled templates kept between builds (news_digest.incremental.templates): loaded by
the next build, compiled again when the template, the environment or the file changed, and
never a reason for a build to fail."""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
import pytest
from conftest import build, write_fixture_content
from jinja2 import DictLoader, Environment
from news_digest.incremental.templates import CheckedBytecodeCache, environment_key
from site_edits import assert_same_as_clean, copy_theme, differences

#: pelicanconf.py's JINJA_ENVIRONMENT.
SITE_JINJA = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from source, in this process."""
    names: list[str] = []
    original = Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counting)
    return names


def site(tmp_path: Path) -> tuple[Path, dict]:
    content = tmp_path / "content"
    write_fixture_content(content)
    return content, {"CACHE_PATH": str(tmp_path / "cache")}


def test_a_second_build_loads_every_template_it_compiled_the_first_time(tmp_path, compiles):
    content, options = site(tmp_path)
    build("pelicanconf.py", content, tmp_path / "one", **options)
    first = set(compiles)
    assert "article.html" in first and "headlines.html" in first
    kept = sorted((tmp_path / "cache" / "news_digest" / "templates").glob("*.jinja"))
    assert kept

    compiles.clear()
    build("pelicanconf.py", content, tmp_path / "two", **options)
    assert compiles == []
    assert differences(tmp_path / "one", tmp_path / "two") == []


def test_an_edited_template_is_compiled_again_and_shows_the_edit(tmp_path, compiles):
    content, options = site(tmp_path)
    theme = copy_theme(tmp_path / "theme")
    options["THEME"] = str(theme)
    output = tmp_path / "output"
    build("pelicanconf.py", content, output, **options)

    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(
        footer.read_text(encoding="utf-8").replace("</footer>", "<p>edited</p></footer>"),
        encoding="utf-8",
    )
    compiles.clear()
    build("pelicanconf.py", content, output, **options)
    assert "partials/footer.html" in compiles
    assert "<p>edited</p>" in (output / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(tmp_path, content, output, THEME=str(theme))


def test_a_changed_environment_compiles_again(tmp_path, compiles):
    content, options = site(tmp_path)
    output = tmp_path / "output"
    build("pelicanconf.py", content, output, **options)
    compiles.clear()
    jinja = {**SITE_JINJA, "trim_blocks": False}
    build("pelicanconf.py", content, output, JINJA_ENVIRONMENT=jinja, **options)
    assert "article.html" in compiles
    assert_same_as_clean(tmp_path, content, output, JINJA_ENVIRONMENT=jinja)


def test_the_key_follows_what_shapes_the_compiled_code():
    plain = environment_key(Environment(autoescape=True))
    assert plain == environment_key(Environment(autoescape=True))
    assert plain != environment_key(Environment(autoescape=False))
    assert plain != environment_key(Environment(autoescape=True, trim_blocks=True))
    assert plain != environment_key(Environment(autoescape=True, extensions=["jinja2.ext.i18n"]))
    trimmed = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    untrimmed = environment_key(trimmed)
    trimmed.policies["ext.i18n.trimmed"] = True
    assert environment_key(trimmed) != untrimmed


def environment(folder: Path, source: str = "<p>{{ text }}</p>") -> Environment:
    env = Environment(loader=DictLoader({"page.html": source}), autoescape=True)
    env.bytecode_cache = CheckedBytecodeCache(folder, env)
    return env


def test_a_damaged_file_is_compiled_again_with_a_debug_line(tmp_path, compiles, caplog):
    folder = tmp_path / "templates"
    assert environment(folder).get_template("page.html").render(text="<b>") == "<p>&lt;b&gt;</p>"
    (kept,) = folder.glob("*.jinja")
    data = kept.read_bytes()
    # A flipped byte in the marshalled code: Jinja's own check (of the source) would pass.
    kept.write_bytes(data[:-5] + bytes([data[-5] ^ 0x01]) + data[-4:])
    compiles.clear()
    with caplog.at_level(logging.DEBUG, logger="news_digest.incremental.templates"):
        html = environment(folder).get_template("page.html").render(text="<b>")
    assert html == "<p>&lt;b&gt;</p>"
    assert compiles == ["page.html"]
    assert any("damaged" in r.getMessage() and str(kept) in r.getMessage() for r in caplog.records)
    # Written again whole: the next environment loads it.
    compiles.clear()
    environment(folder).get_template("page.html")
    assert compiles == []


def test_a_cache_that_cannot_be_written_costs_a_debug_line_only(tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="news_digest.incremental.templates"):
        html = environment(blocked / "templates").get_template("page.html").render(text="x")
    assert html == "<p>x</p>"
    assert any("not kept" in r.getMessage() for r in caplog.records)
    assert list(tmp_path.glob("**/*.tmp")) == []


def test_a_temporary_file_left_by_a_killed_build_is_removed(tmp_path, compiles):
    folder = tmp_path / "templates"
    environment(folder).get_template("page.html")
    (kept,) = folder.glob("*.jinja")
    leftover = folder / f"{kept.name}.12345.tmp"
    leftover.write_bytes(kept.read_bytes()[:40])  # cut short, as a kill leaves it
    compiles.clear()
    assert environment(folder).get_template("page.html").render(text="x") == "<p>x</p>"
    assert compiles == []
    assert not leftover.exists()
    assert sorted(p.name for p in folder.iterdir()) == [kept.name]


def test_with_the_speed_layer_off_no_template_is_kept(tmp_path):
    content, options = site(tmp_path)
    build(
        "pelicanconf.py",
        content,
        tmp_path / "output",
        NEWS_DIGEST={"incremental": False},
        **options,
    )
    assert not (tmp_path / "cache" / "news_digest" / "templates").exists()


def test_a_bytecode_cache_the_site_set_is_kept(tmp_path):
    own = jinja2.FileSystemBytecodeCache(str(tmp_path / "own"))
    (tmp_path / "own").mkdir()
    content, options = site(tmp_path)
    jinja = {**SITE_JINJA, "bytecode_cache": own}
    build("pelicanconf.py", content, tmp_path / "output", JINJA_ENVIRONMENT=jinja, **options)
    assert list((tmp_path / "own").iterdir())
    assert not (tmp_path / "cache" / "news_digest" / "templates").exists()
