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
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

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


def _plain(value: Any) -> Any:
    """``value`` as plain data the same in every process: a function or a class by its name."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return sorted((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(repr(_plain(item)) for item in value)
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"{getattr(value, '__module__', None) or type(value).__module__}.{name}"


def environment_key(env: Any) -> str:
    """A sha256 of what in ``env`` shapes compiled code (:data:`COMPILE_OPTIONS`, its
    extensions and policies) and of Jinja's version."""
    options = [(name, _plain(getattr(env, name, None))) for name in COMPILE_OPTIONS]
    options.append(("extensions", sorted(env.extensions)))
    options.append(("policies", _plain(env.policies)))
    options.append(("jinja2", jinja2.__version__))
    return hashlib.sha256(repr(options).encode("utf-8", "surrogatepass")).hexdigest()


class CheckedBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache in one folder, each file ``<sha256 of the bytecode>\\n<bytecode>``,
    keyed by the environment's settings too (:func:`environment_key`)."""

    def __init__(self, folder: Path, env: Any) -> None:
        self.folder = folder
        self.env = env
        # Temporary files that a build killed while writing one left. Another build that is
        # writing one right now only loses that file: its rename fails, with a debug line.
        for leftover in folder.glob(".*.tmp"):
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
        path = self.path_of(bucket)
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError as error:
            logger.debug("news_digest: compiled template not kept in %s: %s", path, error)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def clear(self) -> None:
        for path in self.folder.glob("*.jinja"):
            with contextlib.suppress(OSError):
                path.unlink()


def keep_compiled_templates(env: Any, cache_folder: Path | None) -> None:
    """Give ``env`` (a generator's Jinja environment) the bytecode cache in ``cache_folder``
    (the plugin's cache folder, or None when the cache is off); a bytecode cache the site
    set itself (``JINJA_ENVIRONMENT``) is kept."""
    if cache_folder is None or env is None or env.bytecode_cache is not None:
        return
    env.bytecode_cache = CheckedBytecodeCache(cache_folder / FOLDER, env)
