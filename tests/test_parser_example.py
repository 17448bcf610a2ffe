"""The user's example dump against its exact expected parse, and the JSON against the schema."""

from __future__ import annotations

import io
import json
import tomllib
from contextlib import redirect_stdout
from typing import Any

import jsonschema
import pytest
from helpers import EXAMPLE, EXPECTED, FIXTURES, REPO_ROOT, SCHEMA, assert_nothing_lost
from news_digest.cli import main
from news_digest.parse.parser import parse_bytes, parse_file

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


def test_example_parse_equals_expected_json() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = parse_file(EXAMPLE).to_dict()
    # The expected parse predates the reading's kind, language and confidence (below).
    assert comparable({k: v for k, v in got.items() if k in expected}) == comparable(expected)


def test_example_is_read_as_a_sure_cms_dump() -> None:
    got = parse_file(EXAMPLE).to_dict()
    assert (got["kind"], got["confidence"], got["entries"]) == ("cms", 1.0, [])


@pytest.mark.parametrize(
    "key", ["encoding", "metadata", "metadata_lines", "lead", "headlines", "dropped"]
)
def test_example_part_by_part(key: str) -> None:
    # The same comparison, split so that a failure names the part that differs.
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert parse_file(EXAMPLE).to_dict()[key] == expected[key]


def test_example_warnings_count_and_lines() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = parse_file(EXAMPLE).to_dict()["warnings"]
    assert [w["line"] for w in got] == [w["line"] for w in expected["warnings"]]
    assert all(w["message"].strip() for w in got)


def test_example_loses_no_line() -> None:
    assert_nothing_lost(EXAMPLE.read_bytes(), parse_file(EXAMPLE))


def test_example_source_is_the_path_as_given() -> None:
    assert parse_file(EXAMPLE).to_dict()["source"] == str(EXAMPLE)
    data = parse_bytes(EXAMPLE.read_bytes(), "000_4017f763499f7360.txt").to_dict()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert data["source"] == expected["source"]


def test_example_cli_json_equals_expected_json() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = cli_json(str(EXAMPLE))
    assert got["source"] == str(EXAMPLE)
    assert comparable({k: v for k, v in got.items() if k in expected}) == comparable(expected)


def test_expected_json_itself_fits_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(
        json.loads(EXPECTED.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize("name", ["example", *TEXT_FIXTURES])
def test_cli_json_validates_against_schema(name: str) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    path = EXAMPLE if name == "example" else FIXTURES / name
    data = cli_json(str(path))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_example_fixture_is_the_demo_sites_copy() -> None:
    demo_copy = REPO_ROOT / "content" / "2023-05-10" / EXAMPLE.name
    assert EXAMPLE.read_bytes() == demo_copy.read_bytes()


def test_schema_command_prints_the_packages_schema() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["schema"]) == 0
    printed = json.loads(out.getvalue())
    assert printed == json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(printed)
    assert set(printed["required"]) <= set(printed["properties"])


@pytest.mark.parametrize(
    ("field", "bad"),
    [("kind", "pdf"), ("confidence", 1.5), ("lang", 7), ("entries", [{"time": "10:32"}])],
)
def test_schema_rejects_bad_values_of_the_new_fields(field: str, bad: Any) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = parse_file(EXAMPLE).to_dict()
    jsonschema.Draft202012Validator(schema).validate(data)
    data[field] = bad
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_schema_allows_a_headline_url_but_only_a_string() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = parse_file(EXAMPLE).to_dict()
    data["headlines"][0]["url"] = "https://news.example.com/a"
    jsonschema.Draft202012Validator(schema).validate(data)
    data["headlines"][0]["url"] = None
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_the_schema_is_package_data() -> None:
    # Without this line an installed (non-editable) package has no schema to print.
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]["news_digest"]
    assert SCHEMA.relative_to(REPO_ROOT / "plugins" / "news_digest").as_posix() in package_data
