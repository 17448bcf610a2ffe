"""Sealed cache files (news_digest.site.sealed): a key and the sha256 of the body."""

from __future__ import annotations

import pytest
from news_digest.site import sealed
from news_digest.site.lock import temporary_name


def test_a_sealed_file_is_read_back_under_its_key_only(tmp_path):
    path = tmp_path / "cache" / "thing.marshal"
    sealed.write_sealed(path, "thing-1", b"body\nwith lines")
    assert sealed.read_sealed(path, "thing-1") == (b"body\nwith lines", None)
    assert sealed.read_sealed(path, "thing-2") == (None, None)  # another key: not a problem
    assert sealed.read_sealed(tmp_path / "none", "thing-1") == (None, None)


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "damaged (checksum)"),
        (lambda data: data[:-3], "damaged (checksum)"),
        (lambda data: b"\xff\xfe" + data, "not a sealed cache file"),
        (lambda data: b"no head at all", "not a sealed cache file"),
        (lambda data: b"", "not a sealed cache file"),
    ],
    ids=["flipped byte", "cut short", "not ascii", "no head", "empty"],
)
def test_a_damaged_sealed_file_is_not_used_and_says_why(tmp_path, damage, problem):
    path = tmp_path / "thing.marshal"
    sealed.write_sealed(path, "thing-1", b"0123456789")
    path.write_bytes(damage(path.read_bytes()))
    assert sealed.read_sealed(path, "thing-1") == (None, problem)


def test_writing_removes_what_a_killed_write_left_beside_the_file(tmp_path):
    path = tmp_path / "thing.marshal"
    leftover = tmp_path / temporary_name(path, 4242)
    leftover.write_bytes(b"half a file")
    unrelated = tmp_path / "thing.marshal.notes.tmp"  # not a temporary of ours: kept
    unrelated.write_bytes(b"")
    sealed.write_sealed(path, "thing-1", b"whole")
    assert not leftover.exists() and unrelated.exists()
    assert sealed.read_sealed(path, "thing-1").body == b"whole"


def test_a_key_with_a_space_is_refused():
    with pytest.raises(ValueError):
        sealed.sealed("two words", b"")
