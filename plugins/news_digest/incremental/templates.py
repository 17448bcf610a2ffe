"""Compiled templates kept between builds (the speed layer).

Jinja compiles every template a build uses into Python code, once per process: a build that
adds one dump spends about 0.2 s of its time there. With the speed layer on, each
generator's Jinja environment gets a bytecode cache in ``CACHE_PATH/news_digest/templates``,
so a later build loads the compiled code instead.

Jinja keys each entry by the template's name and file, and stores a checksum of its source:
a template that was edited is compiled again. The code Jinja makes also depends on how the
environment is set (delimiters, whitespace control, autoescape, extensions such as i18n and
its policies, Jinja's own version), which Jinja's key leaves out; here it is part of the key,
so a changed ``JINJA_ENVIRONMENT`` or a new Jinja compiles every template again.

Each file also carries the sha256 of the bytecode it holds, so a file that was changed on
disk or cut short is not run: the template is compiled again, with a debug line. A cache
that cannot be written (a read-only folder, a full disk) costs only the time to compile
again: a debug line, never a failed build. What a killed build left half-written is a
temporary file, removed by the next build.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from ..site.lock import write_whole
from .render import stable_value

logger = logging.getLogger(__name__)

#: The folder under the plugin's cache folder.
FOLDER = "templates"


#: The environment's settings that change the code Jinja compiles a template into.
COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
    "is_async",
    "newstyle_gettext",
    "code_generator_class",
    "context_class",
    "undefined",
)


def environment_key(env: Any) -> str:
    """A sha256 of what in ``env`` shapes compiled code (:data:`COMPILE_OPTIONS`, its
    extensions and policies) and of Jinja's version."""
    options = [(name, stable_value(getattr(env, name, None))) for name in COMPILE_OPTIONS]
    options.append(("extensions", sorted(env.extensions)))
    options.append(("policies", stable_value(env.policies)))
    options.append(("jinja2", jinja2.__version__))
    return hashlib.sha256(repr(options).encode("utf-8", "surrogatepass")).hexdigest()


class CheckedBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in one folder, each file ``<sha256 of the bytecode>\\n<bytecode>``,
    keyed by the environment's settings too (:func:`environment_key`)."""

    def __init__(self, folder: Path, env: Any) -> None:
        self.folder = folder
        self.env = env
        # Temporary files that a build killed while writing one left (write_whole's). Another
        # build that is writing one right now only loses that file: its rename fails, with a
        # debug line.
        for leftover in folder.glob("*.jinja.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        """Jinja's key (the template's name and file) with the environment's settings, read
        when the template is loaded: after every ``generator_init`` handler has set them."""
        key = f"{environment_key(self.env)}|{name}|{filename or ''}"
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()

    def path_of(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self.path_of(bucket)
        try:
            data = path.read_bytes()
        except OSError:
            return
        head, newline, body = data.partition(b"\n")
        if not newline or head != hashlib.sha256(body).hexdigest().encode("ascii"):
            logger.debug("news_digest: %s: damaged (checksum); the template is compiled", path)
            return
        bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = bucket.bytecode_to_string()
        data = hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_whole(self.path_of(bucket), data)
        except OSError as error:
            logger.debug("news_digest: compiled template not kept: %s", error)


def keep_compiled_templates(env: Any, cache_folder: Path | None) -> None:
    """Give ``env`` (a generator's Jinja environment) the bytecode cache in ``cache_folder``
    (the plugin's cache folder, or None when the cache is off); a bytecode cache the site
    set itself (``JINJA_ENVIRONMENT``) is kept."""
    if cache_folder is None or env is None or env.bytecode_cache is not None:
        return
    env.bytecode_cache = CheckedBytecodeCache(cache_folder / FOLDER, env)
