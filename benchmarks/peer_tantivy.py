"""The search benchmark's peer: a tantivy BM25 index over jieba-split text.

Run by search_speed.py with the peers' Python (benchmarks/.venv-peers), never kbtool's:

    PEER_PYTHON benchmarks/peer_tantivy.py KB QUERIES.json INDEX_DIR

Indexes every entry's title, aliases, summary and body (jieba words joined by spaces, as a
Chinese search engine without its own segmenter is fed), then runs each query, cut the same
way, as an OR of its words over title and text, twice (first and repeat pass, like kbtool's
warm searcher). Prints one JSON line: build seconds and per-query milliseconds."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jieba
import tantivy
import yaml


def words(text: str) -> str:
    return " ".join(w for w in jieba.cut(text.lower()) if w.strip())


def entry_text(data: dict) -> tuple[str, str]:
    title = str(data.get("title", ""))
    aliases = " ".join(str(a) for a in data.get("aliases") or [])
    text = " ".join([aliases, str(data.get("summary", "")), str(data.get("body", ""))])
    return words(title), words(text)


def main() -> None:
    kb, queries_file, folder = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    jieba.initialize()  # the dictionary load is not indexing work; kbtool keeps its own cached
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("text")
    schema = builder.build()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer()
    for path in sorted(kb.rglob("*.yaml")):
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        title, text = entry_text(data)
        writer.add_document(tantivy.Document(id=str(data["id"]), title=title, text=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - started
    searcher = index.searcher()
    queries = json.loads(queries_file.read_text("utf-8"))
    passes = []
    for _ in range(2):
        timings = []
        for query in queries:
            began = time.perf_counter()
            terms = [w for w in jieba.cut(query.lower()) if w.isalnum()]
            if terms:
                parsed = index.parse_query(" OR ".join(terms), ["title", "text"])
                for _score, address in searcher.search(parsed, 10).hits:
                    searcher.doc(address)
            timings.append((time.perf_counter() - began) * 1000)
        passes.append(timings)
    print(
        json.dumps(
            {"build_seconds": build, "first_pass_ms": passes[0], "repeat_pass_ms": passes[1]}
        )
    )


if __name__ == "__main__":
    main()
