"""Term scores computed from postings match whoosh's own BM25F, across segments and deletions."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from kbtool.search import ensure_index
from kbtool.search.schema import FIELD_B
from kbtool.search.scoring import TermScores
from kbtool.search.store import IndexStore
from tests.helpers import write_entry
from tests.unit.test_search_fixtures import SMALL_KB, seeded_cache, write_small_kb


@pytest.mark.parametrize(
    "field, text",
    [
        ("title", "红眼病"),
        ("body", "出血"),
        ("alias", "pink"),
        ("summary", "hpv"),
        ("py", "gongwaiyun"),
    ],
)
def test_scores_equal_whoosh_bm25f(tmp_path: Path, field: str, text: str) -> None:
    kb = tmp_path / "kb"
    write_small_kb(kb)
    cache = seeded_cache(tmp_path)
    ensure_index(kb, cache)
    write_entry(kb, dict(SMALL_KB[3], summary="人流术后出血一般两周内停止。"))  # a second segment
    ensure_index(kb, cache)  # and a deletion
    ix = whoosh_index.open_dir(str(IndexStore.in_cache(cache).current() / "whoosh"))
    with ix.searcher(weighting=BM25F(B=0.75, K1=1.2, **FIELD_B)) as searcher:
        expected = {
            hit.docnum: hit.score for hit in searcher.search(wq.Term(field, text), limit=None)
        }
        mine = TermScores().get(searcher.reader(), field, text)
    assert expected and mine.keys() == expected.keys()
    assert all(abs(mine[doc] - expected[doc]) < 1e-9 for doc in expected)
