"""Build step that pyproject.toml cannot declare: the theme shipped inside the package.

The theme's source is the repository's ``theme/`` folder (its place is fixed: Pelican sites
keep ``theme/`` at the top); a wheel carries a copy of it as ``news_digest/theme/``, made
here at build time, so that ``news_digest.theme_path()`` finds it in an installed package.
An editable install reads the repository's ``theme/`` directly.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEME_SOURCE = Path(__file__).resolve().parent / "theme"
#: Where the copy goes, below the package in the build folder.
THEME_TARGET = ("news_digest", "theme")


class BuildPyWithTheme(build_py):
    """``build_py``, plus ``theme/`` copied into the package (not in editable mode)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        if not (THEME_SOURCE / "templates" / "base.html").is_file():
            raise SystemExit(f"{THEME_SOURCE}: no theme to ship (templates/base.html missing)")
        target = Path(self.build_lib, *THEME_TARGET)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(THEME_SOURCE, target, ignore=shutil.ignore_patterns(".*", "*~"))


setup(cmdclass={"build_py": BuildPyWithTheme})
