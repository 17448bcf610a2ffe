"""The package's layers, read from the code's own imports.

- ``parse/`` is plain Python: it imports no other layer of the package and neither Pelican,
  Jinja nor the settings;
- ``stories/`` (story matching, repeated scrapes, places) is plain Python too: of the
  package it imports only ``parse``, and neither Pelican, Jinja nor the settings;
- ``publish/`` (feeds, sitemaps, JSON-LD, search) never imports the speed layer;
- Pelican's private internals (names starting with ``_``) are touched only in
  ``incremental/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "news_digest"
LAYERS = ("parse", "stories", "site", "publish", "incremental")


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved); of
    ``source`` instead of the file's text when given."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found: set[str] = set()
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                if node.module:
                    base.append(node.module)
                name = ".".join(base)
                found.add(name)
                found.update(f"{name}.{alias.name}" for alias in node.names)
            else:
                found.add(node.module or "")
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "news_digest" and len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return None


def modules_in(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_every_module_lives_in_a_layer():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "cli.py"})
    assert loose == [], "modules outside the layer folders"
    for layer in LAYERS:
        assert modules_in(layer), layer


@pytest.mark.parametrize("path", modules_in("parse"), ids=lambda p: p.name)
def test_parse_imports_no_other_layer_and_no_pelican(path):
    for module in imported_modules(path):
        assert layer_of(module) in (None, "parse"), f"{path.name} imports {module}"
        assert module.split(".")[0] not in {"pelican", "jinja2", "markupsafe"}, (
            f"{path.name} imports {module}"
        )


@pytest.mark.parametrize("path", modules_in("stories"), ids=lambda p: p.name)
def test_stories_imports_only_parse_and_no_pelican(path):
    for module in imported_modules(path):
        assert layer_of(module) in (None, "parse", "stories"), f"{path.name} imports {module}"
        assert module.split(".")[0] not in {"pelican", "jinja2", "markupsafe"}, (
            f"{path.name} imports {module}"
        )
        assert not module.endswith(("pelicanconf", "publishconf", "settings")), (
            f"{path.name} imports {module}"
        )


@pytest.mark.parametrize("path", modules_in("publish"), ids=lambda p: p.name)
def test_publish_does_not_import_the_speed_layer(path):
    for module in imported_modules(path):
        assert layer_of(module) != "incremental", f"{path.name} imports {module}"


def test_the_checker_sees_a_forbidden_import():
    """The rules above can fail: a parse module importing Pelican and the site is caught."""
    model = PACKAGE / "parse" / "model.py"
    source = model.read_text(encoding="utf-8")
    imports = imported_modules(
        model, source + "\nfrom pelican import signals\nfrom ..site import reader\n"
    )
    assert "pelican" in imports
    assert layer_of("news_digest.site.reader") == "site"
    assert "news_digest.site.reader" in imports
