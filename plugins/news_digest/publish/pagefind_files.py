"""Make Pagefind's filter index reproducible.

Pagefind (1.5) writes each filter of an index as ``filter/<lang>_<hash>.pf_filter``: gzip of
``pagefind_dcd`` followed by CBOR ``[name, [[value, [page, ...]], ...]]``, its values in the
order of a Rust hash map, which changes from run to run. The file's name goes into the
language's ``pagefind.<lang>_<hash>.pf_meta``, whose name goes into ``pagefind-entry.json``.
``canonical_filters`` sorts the values, and renames and rewrites the three files to match, so
the same pages always give the same bytes. It also sorts the meta file's list of filters,
which Pagefind writes in hash-map order too (it matters for an index with two filters, the
month directory's). Only the small part of CBOR that these files use is
read and written (unsigned integers, text, arrays); anything else leaves the index as it is.

``index_problem`` checks an index after Pagefind wrote it (Pagefind exits 0 on a full disk,
leaving empty files): every file that its entry and meta files name must be there and not
empty, and, for an index just written, every compressed file must decompress.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import zlib
from pathlib import Path
from typing import Any

from ..site.lock import write_whole

logger = logging.getLogger(__name__)

SIGNATURE = b"pagefind_dcd"
FILTER_NAME = re.compile(r"^(?P<lang>[^_]+)_(?P<hash>[0-9a-f]+)\.pf_filter$")


class Unsupported(ValueError):
    """A CBOR item outside the subset that filter files use."""


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    """(major type, argument, next position) of the CBOR item at ``pos``."""
    byte = data[pos]
    major, info = byte >> 5, byte & 0x1F
    if info < 24:
        return major, info, pos + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise Unsupported(f"CBOR additional info {info}")
    return major, int.from_bytes(data[pos + 1 : pos + 1 + size], "big"), pos + 1 + size


def decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    major, arg, pos = _head(data, pos)
    if major == 0:
        return arg, pos
    if major == 3:
        return data[pos : pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    raise Unsupported(f"CBOR major type {major}")


def _encode_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise Unsupported(f"integer {arg} too large")


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise Unsupported(type(value).__name__)
    if isinstance(value, int):
        return _encode_head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    return _encode_head(4, len(value)) + b"".join(encode(item) for item in value)


def read_pagefind(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise Unsupported(f"{path.name}: no {SIGNATURE!r} signature")
    return data[len(SIGNATURE) :]


def pagefind_bytes(payload: bytes) -> bytes:
    """gzip without a time stamp, so the bytes depend on the payload alone."""
    return gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0)


def sorted_filter(payload: bytes) -> bytes:
    """The filter ``[name, [[value, pages], ...]]`` with its values in sorted order."""
    value, end = decode(payload)
    if end != len(payload) or encode(value) != payload:
        raise Unsupported("filter does not round-trip")
    name, values = value
    if not isinstance(name, str) or not all(
        isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) for v in values
    ):
        raise Unsupported("unexpected filter shape")
    return encode([name, sorted(values, key=lambda v: v[0])])


def sorted_meta_filters(payload: bytes) -> bytes:
    """A meta file ``[version, pages, chunks, filters, ...]`` with its list of filters
    (``[name, file]``) sorted by name: Pagefind lists them in the order of a hash map, so an
    index with two filters (the month directory's) has its meta in either order."""
    value, end = decode(payload)
    if end != len(payload) or encode(value) != payload:
        raise Unsupported("meta does not round-trip")
    if not isinstance(value, list) or len(value) < 4 or not isinstance(value[3], list):
        raise Unsupported("unexpected meta shape")
    value[3] = sorted(value[3], key=lambda item: item[0] if isinstance(item, list) else "")
    return encode(value)


def short_hash(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def canonical_filters(bundle: Path) -> bool:
    """Rewrite the filter files of the Pagefind index in ``bundle`` in a stable order.

    Returns whether the index was rewritten; an index in an unexpected shape is left alone
    (and logged at debug level), since it still works, only not reproducibly.
    """
    entry_path = bundle / "pagefind-entry.json"
    writes: list[tuple[Path, Path, bytes]] = []  # (old file, new file, bytes), all or none
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        renames: dict[str, str] = {}
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            match = FILTER_NAME.match(path.name)
            if match is None:
                raise Unsupported(f"filter file name {path.name}")
            data = pagefind_bytes(sorted_filter(read_pagefind(path)))
            old = f"{match['lang']}_{match['hash']}"
            new = f"{match['lang']}_{short_hash(data, len(match['hash']))}"
            writes.append((path, path.with_name(f"{new}.pf_filter"), data))
            renames[old] = new
        for language in entry.get("languages", {}).values():
            old_meta = bundle / f"pagefind.{language['hash']}.pf_meta"
            payload = read_pagefind(old_meta)
            for old, new in renames.items():
                # Same length, so the CBOR text item keeps its size.
                payload = payload.replace(old.encode(), new.encode())
            payload = sorted_meta_filters(payload)
            data = pagefind_bytes(payload)
            lang, _, digest = language["hash"].rpartition("_")
            language["hash"] = f"{lang}_{short_hash(data, len(digest))}"
            writes.append((old_meta, bundle / f"pagefind.{language['hash']}.pf_meta", data))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.debug("news_digest: Pagefind index in %s left as written: %s", bundle, error)
        return False
    for old_path, new_path, data in writes:
        old_path.unlink()
        write_whole(new_path, data)
    write_whole(
        entry_path, json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    )
    return True


#: The file that names the index's languages, and so its meta files.
ENTRY_FILE = "pagefind-entry.json"
#: The files of the script and its worker, in the primary index only.
SCRIPT_FILES = ("pagefind.js", "pagefind-worker.js")


class Empty(ValueError):
    """A file of the index that is there but empty (Pagefind on a full disk)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is empty")


def _nonempty(path: Path) -> bytes:
    """The bytes of ``path``; :class:`Empty` when there are none."""
    data = path.read_bytes()
    if not data:
        raise Empty(path)
    return data


#: The WebAssembly of a language Pagefind has no stemmer for (Chinese, Japanese ...): the
#: entry file gives ``"wasm": null`` and Pagefind's script loads ``wasm.unknown.pagefind``.
UNKNOWN_WASM = "unknown"


def named_files(folder: Path, primary: bool) -> list[str]:
    """Every file that the index in ``folder`` needs, as its entry and meta files name them,
    relative to ``folder``: the entry, each language's meta file, and the fragments, index
    chunks and filters it lists (and the script and WebAssembly in the ``primary`` index).
    Raises ``OSError`` or ``ValueError`` (:class:`Unsupported` among them) when the entry or
    a meta file cannot be read."""
    entry = json.loads(_nonempty(folder / ENTRY_FILE).decode("utf-8"))
    languages = entry.get("languages") if isinstance(entry, dict) else None
    if not isinstance(languages, dict) or not languages:
        raise Unsupported(f"{ENTRY_FILE} names no language")
    files = [ENTRY_FILE, *SCRIPT_FILES] if primary else [ENTRY_FILE]
    for language in languages.values():
        meta = f"pagefind.{language['hash']}.pf_meta"
        files.append(meta)
        if primary:
            files.append(f"wasm.{language.get('wasm') or UNKNOWN_WASM}.pagefind")
        _nonempty(folder / meta)
        payload = read_pagefind(folder / meta)
        value, end = decode(payload)
        if end != len(payload) or not isinstance(value, list) or len(value) < 4:
            raise Unsupported(f"{meta}: unexpected shape")
        pages, chunks, filters = value[1], value[2], value[3]
        files += [f"fragment/{page[0]}.pf_fragment" for page in pages]
        files += [f"index/{chunk[-1]}.pf_index" for chunk in chunks]
        files += [f"filter/{item[-1]}.pf_filter" for item in filters]
    return files


def files_problem(folder: Path, names: list[str], deep: bool = False) -> str | None:
    """What is wrong with the files ``names`` (relative to ``folder``, as
    :func:`named_files` gives them): one missing or empty; with ``deep``, a compressed one
    that does not decompress. None when all are whole."""
    root = str(folder)
    for name in names:
        path = os.path.join(root, name)
        try:
            size = os.stat(path).st_size
        except OSError:
            return f"{path} is missing"
        if size == 0:
            return f"{path} is empty"
        if deep and ".pf_" in name:
            try:
                with open(path, "rb") as handle:
                    gzip.decompress(handle.read())
            except (OSError, EOFError, zlib.error) as error:
                return f"{path} is damaged: {error}"
    return None


def index_problem(folder: Path, primary: bool = False, deep: bool = False) -> str | None:
    """What is wrong with the Pagefind index in ``folder``, in a few words naming the file;
    None when it is whole. With ``deep``, every compressed file is also decompressed (for an
    index just written; an installed one is only looked at)."""
    return checked_files(folder, primary, deep)[0]


def checked_files(
    folder: Path, primary: bool = False, deep: bool = False
) -> tuple[str | None, list[str]]:
    """:func:`index_problem`, and the files the index names (none when it cannot be read)."""
    try:
        files = named_files(folder, primary)
    except FileNotFoundError as error:
        return f"{error.filename} is missing", []
    except Empty as error:
        return str(error), []
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as error:
        return f"{folder} cannot be read: {error}", []
    return files_problem(folder, files, deep), files
