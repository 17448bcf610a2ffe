"""Every patch of Pelican's code lives in news_digest.incremental.patches, is named, and is
pinned to the source of the Pelican code under it: a Pelican release that changes that code
fails here, naming the patch to look at again, instead of building a wrong site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from news_digest.incremental import patches
from news_digest.incremental.patches import PATCHES, pelican_source_sha

#: sha1 of the source (inspect.getsource) of every piece of Pelican 4.12.0 that a patch
#: replaces or relies on. When one changes: read the new code, check the patch against it,
#: and only then write the new sha here.
PINNED = {
    "pelican.cache.FileStampDataCacher.cache_data": "61fd5bd36360ed34724328a55adc96620c079dea",
    "pelican.cache.FileStampDataCacher.get_cached_data": "fec3bc85696ac447f60ea8381eda21a5e8c8d378",
    "pelican.contents.Article.__init__": "cfe14f567140c984321752d9f98167a82cfaf480",
    "pelican.contents.Content.__init__": "d24f13966f6d580201ff3933c7ae6c4436abe39e",
    "pelican.contents.Content._expand_settings": "20b1865105821321eac65716b04410da0c81828b",
    "pelican.contents.Content.content": "2c503257f8f874aa25984d051baa84b79cc997b1",
    "pelican.contents.Content.get_content": "c82ff4fb3ce4ff3604579b5e802bd08129041128",
    "pelican.contents.Content.get_url_setting": "97f764faff4c242e5626ba02563a3acb2ca3af1b",
    "pelican.contents.Content.save_as": "d739b96ccf47d43f6bb9323d00ab76b23d91ac07",
    "pelican.contents.Content.url": "6e6c7e02af50453b0aa84c1068e1dfd0ae7dce44",
    "pelican.contents.Content.url_format": "74ae10582a58b641b982baa86d33eb80b1b4cf40",
    "pelican.generators.ArticlesGenerator.generate_articles": "2524a69a38cdd45f2a32492812aff1636b7125c7",  # noqa: E501
    "pelican.generators.ArticlesGenerator.generate_authors": "87d9ffbaf4a254b5a36b24e45472c323f9d38172",  # noqa: E501
    "pelican.generators.ArticlesGenerator.generate_categories": "60690ce4dea4aa6620dfa82c9875733cf92d6f03",  # noqa: E501
    "pelican.generators.ArticlesGenerator.generate_context": "e0742370fa63168b749a2b7a88e351a37274d742",  # noqa: E501
    "pelican.generators.ArticlesGenerator.generate_tags": "b1ad2bc54d102b9c405f5f1466857248a5b23180",  # noqa: E501
    "pelican.generators.Generator.__init__": "45f251c32cad51898a58c78e084f0c602c29ef6d",
    "pelican.generators.Generator._check_disabled_readers": "a79be5ce66f601d290af2a03217aaad7aff23e47",  # noqa: E501
    "pelican.generators.Generator.get_files": "215825a96b043adde167b020fc290a16275b0dab",
    "pelican.readers.Readers.__init__": "ac5cf70b583b3325c8bb8bfbdc7587ffe4efda6e",
    "pelican.utils.DateFormatter.__call__": "8109b443ab56c0e9ced5bbc4f7321add8e977e70",
    "pelican.writers.Writer.write_file": "37c66a5fbfe3537880ad9e95c98b9f22bebda081",
}

PACKAGE = Path(patches.__file__).resolve().parents[1]

#: What patching Pelican looks like in the code: replacing a generator's, a reader's or a
#: content's method or private state, the collector's settings, the Jinja environment's.
PATCH_MARKS = re.compile(
    r"\.(generate_\w+|get_cached_data|cache_data|get_files|check_disabled_readers|_content"
    r"|auto_reload)\s*=[^=]|del \w+\.disabled_readers|gc\.(set_threshold|freeze)\("
)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p.name)
def test_the_pelican_code_under_each_patch_is_the_code_it_was_written_for(patch) -> None:
    for dotted in patch.pelican_code:
        assert pelican_source_sha(dotted) == PINNED[dotted], (
            f"patch {patch.name!r}: Pelican's {dotted} changed; check the patch against it "
            "(news_digest.incremental.patches) before pinning the new source"
        )


def test_every_pin_belongs_to_a_patch_and_every_patch_is_named_once() -> None:
    assert set(PINNED) == {d for p in PATCHES for d in p.pelican_code}
    names = [p.name for p in PATCHES]
    assert len(names) == len(set(names))
    assert all(p.why for p in PATCHES)


def test_a_pin_sees_a_change_in_the_source(monkeypatch) -> None:
    """The check can fail: another source under the same name gives another sha."""
    import inspect

    dotted = "pelican.generators.ArticlesGenerator.generate_articles"
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: real(obj) + "    # changed\n")
    assert pelican_source_sha(dotted) != PINNED[dotted]


def test_no_module_but_patches_replaces_pelican_code() -> None:
    """Every patch is installed from news_digest.incremental.patches alone."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "patches.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PATCH_MARKS.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []
    assert PATCH_MARKS.search("generator.get_files = get_files")
    assert PATCH_MARKS.search("gc.freeze()")
