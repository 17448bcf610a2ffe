"""Edits of a site's content, theme and settings, and a byte-for-byte comparison of output
folders: shared by the stale-page tests and the differential test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from conftest import REPO_ROOT, build

#: A clean build: the speed layer off, a fresh output folder and cache.
OFF = {"incremental": False}


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) below ``root``."""
    found: dict[str, bytes | None] = {}
    for folder, folders, files in os.walk(root):
        base = Path(folder)
        for name in folders:
            found[str((base / name).relative_to(root)) + "/"] = None
        for name in files:
            found[str((base / name).relative_to(root))] = (base / name).read_bytes()
    return found


def differences(one: Path, two: Path) -> list[str]:
    """What differs between two output folders: files or folders only in one, or with other
    bytes. Empty when they are the same, byte for byte."""
    first, second = tree(one), tree(two)
    problems = [f"only in {one.name}: {name}" for name in sorted(first.keys() - second.keys())]
    problems += [f"only in {two.name}: {name}" for name in sorted(second.keys() - first.keys())]
    problems += [
        f"different bytes: {name}"
        for name in sorted(first.keys() & second.keys())
        if first[name] != second[name]
    ]
    return problems


def copy_theme(target: Path) -> Path:
    """A copy of the repository's theme that a test may edit."""
    shutil.copytree(REPO_ROOT / "theme", target)
    return target


def clean_build(
    work: Path, content: Path, name: str, settings_file: str = "pelicanconf.py", **override: Any
) -> Path:
    """A build with the speed layer off into a new folder, with a cache of its own."""
    output = work / name
    shutil.rmtree(output, ignore_errors=True)
    options = {
        **override,
        "CACHE_PATH": str(work / f"{name}-cache"),
        "NEWS_DIGEST": {**override.get("NEWS_DIGEST", {}), **OFF},
    }
    build(settings_file, content, output, **options)
    shutil.rmtree(work / f"{name}-cache", ignore_errors=True)
    return output


def assert_same_as_clean(
    work: Path, content: Path, output: Path, settings_file: str = "pelicanconf.py", **override: Any
) -> None:
    """``output`` holds exactly what a clean build with the speed layer off writes."""
    clean = clean_build(work, content, "clean", settings_file, **override)
    problems = differences(output, clean)
    assert not problems, "\n".join(problems[:40])
