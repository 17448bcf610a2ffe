"""The user's example dump against its exact expected parse, and the JSON against the schema."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from helpers import (
    EXAMPLES,
    FIXTURES,
    SHARED_MISSING_REASON,
    SPEC,
    assert_nothing_lost,
)
from news_digest.cli import main
from news_digest.parse.parser import parse_bytes, parse_file

EXAMPLE = EXAMPLES / "000_4017f763499f7360.txt"
EXPECTED = SPEC / "000_4017f763499f7360.expected.json"
SCHEMA = SPEC / "digest.schema.json"

needs_shared = pytest.mark.skipif(
    not (EXAMPLE.is_file() and EXPECTED.is_file() and SCHEMA.is_file()),
    reason=SHARED_MISSING_REASON,
)

TEXT_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.txt"))


def cli_json(path: str) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["parse", path, "--json"])
    assert code == 0
    return json.loads(out.getvalue())


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """Everything but ``source``, and warnings reduced to their lines (wording is free)."""
    out = {k: v for k, v in data.items() if k not in {"source", "warnings"}}
    out["warning_lines"] = [w["line"] for w in data["warnings"]]
    return out


@needs_shared
def test_example_parse_equals_expected_json() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = parse_file(EXAMPLE).to_dict()
    # The expected parse predates the reading's kind, language and confidence (below).
    assert comparable({k: v for k, v in got.items() if k in expected}) == comparable(expected)


@needs_shared
def test_example_is_read_as_a_sure_cms_dump() -> None:
    got = parse_file(EXAMPLE).to_dict()
    assert (got["kind"], got["confidence"], got["entries"]) == ("cms", 1.0, [])


@needs_shared
@pytest.mark.parametrize(
    "key", ["encoding", "metadata", "metadata_lines", "lead", "headlines", "dropped"]
)
def test_example_part_by_part(key: str) -> None:
    # The same comparison, split so that a failure names the part that differs.
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert parse_file(EXAMPLE).to_dict()[key] == expected[key]


@needs_shared
def test_example_warnings_count_and_lines() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = parse_file(EXAMPLE).to_dict()["warnings"]
    assert [w["line"] for w in got] == [w["line"] for w in expected["warnings"]]
    assert all(w["message"].strip() for w in got)


@needs_shared
def test_example_loses_no_line() -> None:
    assert_nothing_lost(EXAMPLE.read_bytes(), parse_file(EXAMPLE))


@needs_shared
def test_example_source_is_the_path_as_given() -> None:
    assert parse_file(EXAMPLE).to_dict()["source"] == str(EXAMPLE)
    data = parse_bytes(EXAMPLE.read_bytes(), "000_4017f763499f7360.txt").to_dict()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert data["source"] == expected["source"]


@needs_shared
def test_example_cli_json_equals_expected_json() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = cli_json(str(EXAMPLE))
    assert got["source"] == str(EXAMPLE)
    assert comparable({k: v for k, v in got.items() if k in expected}) == comparable(expected)


@needs_shared
def test_expected_json_itself_fits_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(
        json.loads(EXPECTED.read_text(encoding="utf-8"))
    )


@needs_shared
@pytest.mark.parametrize("name", ["example", *TEXT_FIXTURES])
def test_cli_json_validates_against_schema(name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    path = EXAMPLE if name == "example" else FIXTURES / name
    data = cli_json(str(path))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
