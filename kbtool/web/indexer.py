"""The one process that keeps the index in step with the KB while several workers serve it.

Workers only read: each notices a newly swapped generation and moves to it (see `Searcher`).
Indexing here, in its own process, keeps its CPU time from stalling the workers' searches."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger("kbtool.indexer")


def watch(kb: Path, cache_dir: Path, poll_seconds: float, parent: int) -> None:
    """Update the index whenever files in the KB change; stop when the server that started us is gone."""
    from ..search import ensure_index
    from .live import kb_signature

    seen = kb_signature(kb)
    while os.getppid() == parent:
        time.sleep(poll_seconds)
        signature = kb_signature(kb)
        if signature == seen:
            continue
        try:
            ensure_index(kb, cache_dir)
            seen = signature
        except Exception as error:  # noqa: BLE001 - keep the previous index and try again
            log.warning("could not update the index, the workers keep the previous one: %s", error)


def start(kb: Path, cache_dir: Path, poll_seconds: float = 2.0) -> subprocess.Popen[bytes]:
    """Start the indexer as its own program (the caller terminates it when serving ends)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kbtool.web.indexer",
            str(kb),
            str(cache_dir),
            str(poll_seconds),
            str(os.getpid()),
        ]
    )


if __name__ == "__main__":
    watch(Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
