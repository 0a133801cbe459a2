"""The labelled sentences the wording check is trained and measured on: one list for both.

`python -m kbtool.lint.train` and `benchmarks/wording_precision.py` read the same files, so a
new batch is added here once. Sets whose name ends in `-holdout` are held out: the trainer never
reads them, and the benchmark scores them only with `--heldout`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"
FILES = tuple(
    DATA_DIR / name
    for name in (
        "wording_labelled.yaml",
        "wording_scripts.yaml",
        "wording_fresh.yaml",
        "wording_fresh2.yaml",
        "wording_fresh3.yaml",
        "wording_fresh4.yaml",
        "wording_fresh5.yaml",
        "wording_fresh6.yaml",
        "wording_fresh7.yaml",
        "wording_fresh8.yaml",
        "wording_fresh9.yaml",
    )
)
HELD_OUT = "-holdout"


def held_out(item: dict[str, Any]) -> bool:
    """Whether a labelled sentence belongs to a held-out set."""
    return str(item.get("set", "")).endswith(HELD_OUT)


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled sentences of one file, each with the file's name under `file`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [dict(item, file=path.name) for item in data["sentences"]]
