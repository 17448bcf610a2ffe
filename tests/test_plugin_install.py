"""The plugin outside this repository (docs/plugin.md), tried as a user would.

The package is built as `python -m build` builds it (an sdist of a copy of the repository,
then a wheel from the unpacked sdist), installed into a new virtual environment, and used
from a site that ``pelican-quickstart`` made, with the guide's settings and the example
dump. Nothing is downloaded: the new environment gets the wheel with ``--no-deps``, and its
dependencies (Pelican, Jinja, Pagefind ...) from this environment's site-packages, through a
``.pth`` line naming that folder. The line adds the folder only, not the ``.pth`` files in
it, so the repository's own editable install stays out of the new environment: what it
imports as ``news_digest`` and ``pelican.plugins.news_digest`` is the wheel's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import EXAMPLE, REPO_ROOT

# About 20 s, up to a minute on a busy 2-core machine (of which 8 s of CPU): building,
# installing and starting new interpreters. It stays in `make test`.
pytestmark = pytest.mark.slow

GUIDE = REPO_ROOT / "docs" / "plugin.md"
#: What the package is built from (pyproject.toml names the rest: README.md is its readme).
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "plugins", "theme")
#: Seconds any one step (build, install, quickstart, Pelican) may take: a step that hangs
#: fails the test instead of the whole run. The slowest, Pelican with Pagefind, takes ~5 s.
STEP_TIMEOUT = 180
#: The answers to pelican-quickstart's questions, in its order: the path, title, author and
#: language come from the command line (empty answers take them), "n" to a URL prefix,
#: then every default (pagination, time zone, Makefile, no upload).
QUICKSTART_ANSWERS = "\n\n\n\nn\n" + "\n" * 30
#: A dump whose title and text are markup, to see that the new site escapes them too.
MARKUP_DUMP = """Title: Bold <b>claims</b> and <script>alert(1)</script>

Bold <b>claims</b> and <script>alert(1)</script>
Officials said on Tuesday that the <i>markup</i> & the script in this paragraph are text.
"""


def _run(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    done = subprocess.run(
        args,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LC_ALL": "C.UTF-8", "COLUMNS": "1000"},
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _guide_settings() -> str:
    """The Python block of the guide's "Settings for the site"."""
    text = GUIDE.read_text(encoding="utf-8")
    section = re.search(r"^## Settings for the site\n(.*?)(?=^## )", text, re.S | re.M)
    assert section, "docs/plugin.md: no '## Settings for the site'"
    (block,) = re.findall(r"^```python\n(.*?)^```", section.group(1), re.S | re.M)
    return block


def _copy_sources(target: Path) -> Path:
    """The files the package is built from, copied (a build writes into its source folder)."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=ignore)
        else:
            shutil.copy2(path, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from an sdist of a copy of the repository's sources."""
    root = tmp_path_factory.mktemp("package")
    source = _copy_sources(root / "source")
    build = "from setuptools import build_meta as b; import sys; print(b.{}(sys.argv[1]))"
    sdist = _run([sys.executable, "-c", build.format("build_sdist"), str(root)], source)
    with tarfile.open(root / sdist.strip().splitlines()[-1]) as archive:
        archive.extractall(root / "unpacked", filter="data")
    (unpacked,) = (root / "unpacked").iterdir()
    dist = root / "dist"
    name = _run([sys.executable, "-c", build.format("build_wheel"), str(dist)], unpacked)
    return dist / name.strip().splitlines()[-1]


def _new_environment(folder: Path) -> Path:
    """A virtual environment whose dependencies are this one's; its Python."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(folder)], folder.parent)
    python = folder / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], folder
    )
    Path(purelib.strip(), "dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    return python


def _pip_install(python: Path, *args: str) -> None:
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", *args],
        python.parents[1],
    )


@pytest.fixture(scope="module")
def quickstart_site(wheel, tmp_path_factory) -> tuple[Path, str]:
    """A pelican-quickstart site with the guide's settings and two dumps, built with the
    wheel's plugin; the site's folder and Pelican's output."""
    root = tmp_path_factory.mktemp("user")
    python = _new_environment(root / "venv")
    _pip_install(python, "--no-index", str(wheel))
    site = root / "site"
    site.mkdir()
    quickstart = [str(python), "-m", "pelican.tools.pelican_quickstart", "-p", str(site)]
    _run([*quickstart, "-t", "Harbour Times", "-a", "Desk", "-l", "en"], site, QUICKSTART_ANSWERS)
    conf = site / "pelicanconf.py"
    assert "LINKS" in conf.read_text(encoding="utf-8")  # what quickstart writes
    with conf.open("a", encoding="utf-8") as f:
        f.write("\n" + _guide_settings())
    (site / "content" / "2023-05-10").mkdir(parents=True)
    shutil.copy2(EXAMPLE, site / "content" / "2023-05-10" / EXAMPLE.name)
    (site / "content" / "2023-05-11-markup.txt").write_text(MARKUP_DUMP, encoding="utf-8")
    which = (
        "import news_digest as n, pelican.plugins.news_digest as p; print(n.__file__, p.__file__)"
    )
    imported = _run([str(python), "-c", which], site).split()
    assert all(Path(f).is_relative_to(root / "venv") for f in imported), imported
    log = _run(
        [
            str(python),
            "-m",
            "pelican",
            "content",
            "-s",
            "pelicanconf.py",
            "--fatal",
            "errors",
            "--verbose",
        ],
        site,
    )
    return site, log


def test_the_wheel_carries_the_plugin_the_namespace_module_and_the_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pelican/plugins/news_digest/__init__.py" in names
    assert "news_digest/__init__.py" in names
    assert "pelican/__init__.py" not in names  # Pelican's own package is not shadowed
    theme = REPO_ROOT / "theme"
    shipped = {
        n.removeprefix("news_digest/theme/") for n in names if n.startswith("news_digest/theme/")
    }
    in_repo = {str(p.relative_to(theme)) for p in theme.rglob("*") if p.is_file()}
    assert shipped == in_repo


def test_a_quickstart_site_builds_lead_and_digest_pages_with_the_shipped_theme(quickstart_site):
    site, log = quickstart_site
    output = site / "output"
    (lead,) = (output / "2023" / "05" / "10").glob("*/index.html")
    digest = lead.parent / "headlines" / "index.html"
    assert digest.is_file()
    soup = BeautifulSoup(lead.read_text(encoding="utf-8"), "html.parser")
    assert "Wagner" in soup.find("h1").get_text()
    assert soup.select_one("#theme-toggle") is not None  # the theme's header
    headlines = BeautifulSoup(digest.read_text(encoding="utf-8"), "html.parser")
    assert len(headlines.select('[aria-labelledby="news"] li h3')) > 10
    # The theme came from the installed package, found with no THEME in the settings.
    assert re.search(r"using the plugin's theme \S*venv\S*news_digest/theme", log), log
    shipped_css = (REPO_ROOT / "theme" / "static" / "css" / "site.css").read_bytes()
    assert (output / "theme" / "css" / "site.css").read_bytes() == shipped_css
    for name in ("index.html", "archives/index.html", "search/index.html", "404.html"):
        assert (output / name).is_file(), name
    assert (output / "pagefind" / "pagefind.js").is_file()


def test_the_quickstart_sites_links_and_social_are_in_the_footer(quickstart_site):
    site, _ = quickstart_site
    soup = BeautifulSoup(
        (site / "output" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    labels = [nav["aria-label"] for nav in soup.select("body > footer > nav")]
    assert labels == ["Links", "Social"]
    assert "Pelican" in [a.get_text() for a in soup.select("body > footer > nav a")]


def test_dump_text_is_escaped_although_quickstart_leaves_autoescape_off(quickstart_site):
    site, _ = quickstart_site
    (lead,) = (site / "output" / "2023" / "05" / "11").glob("*/index.html")
    raw = lead.read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<b>claims" not in raw
    soup = BeautifulSoup(raw, "html.parser")
    assert soup.find("h1").get_text() == "Bold <b>claims</b> and <script>alert(1)</script>"


def test_pip_install_of_the_source_folder_gives_the_same_plugin(tmp_path):
    """``pip install <path>`` (no wheel built first): Pelican lists the namespace plugin,
    and ``theme_path()`` is the theme inside the installed package."""
    source = _copy_sources(tmp_path / "source")
    python = _new_environment(tmp_path / "venv")
    _pip_install(python, "--no-build-isolation", str(source))
    probe = (
        "from pelican.plugins._utils import get_namespace_plugins; import news_digest;"
        "print(sorted(get_namespace_plugins())); print(news_digest.theme_path())"
    )
    plugins, theme = _run([str(python), "-c", probe], tmp_path).splitlines()[-2:]
    assert "pelican.plugins.news_digest" in plugins
    assert Path(theme).is_relative_to(tmp_path / "venv")
    assert (Path(theme) / "templates" / "headlines.html").is_file()
