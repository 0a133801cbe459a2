"""Train the wording classifier (classifier.json) from the labelled sentences the project ships.

    python -m kbtool.lint.train            # writes kbtool/lint/classifier.json
    python -m kbtool.lint.train --check    # cross-validated precision and recall, writes nothing

Plain logistic regression per language and category (one against the rest), trained with a
fixed seed so the same data always gives the same file. Sentences of the held-out sets (names
ending in `-holdout`) are never used. Every sentence of the sample KB (`kb/`) and of the
service-FAQ test KB is added as accurate text, so the model learns what real entries say. Each
category's threshold is the lowest score at which its out-of-fold precision stays at or above
`--precision` (default 0.90: on two batches no rule had been tuned on, a model trained without
them added recall 0.63 -> 0.71 for precision 0.865 -> 0.849 over 0.95, see the rules README;
`--compare` scores rules plus out-of-fold model findings under each threshold goal and with or
without the model on sentences a rule flagged); a category that cannot reach it, or that would then catch fewer than
`--min-recall` (default 0.15) of its sentences out of fold, is left to the rules: it would cost
time on every sentence and catch almost nothing new."""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..fields import text_values
from .classifier import MODEL_FILE, features
from .labelled import FILES, held_out, load
from .load import BUILTIN_DIR, load_categories
from .text import split_sentences

ROOT = Path(__file__).resolve().parents[2]
ACCURATE_KBS = [ROOT / "kb", ROOT / "tests" / "data" / "service_kb"]
EPOCHS, RATE, L2, FOLDS, SEED = 15, 0.2, 1e-4, 4, 20261204
_PLAIN_WORD = {
    "zh": re.compile(r"^[\u3400-\u9fff]{2,4}$"),
    "en": re.compile(r"^[a-z]+(?: [a-z]+){0,2}$"),
}


def word_sets() -> dict[str, dict[str, list[str]]]:
    """Plain words of every shared set (lexicons and contexts): word -> set names, per language.
    Regex entries are split on `|`; only parts that are plain words are kept."""
    found: dict[str, dict[str, set[str]]] = {"zh": defaultdict(set), "en": defaultdict(set)}
    for path in sorted(BUILTIN_DIR.glob("_*.yaml")):
        if path.name == "_categories.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, by_lang in data.items():
            for lang, entries in (by_lang or {}).items():
                if lang not in found:
                    continue
                for entry in entries or []:
                    for part in str(entry).split("|"):
                        word = part.replace("\\b", "").strip("()?:").lower()
                        if _PLAIN_WORD[lang].match(word):
                            found[lang][word].add(str(name))
    return {lang: {w: sorted(n) for w, n in sorted(words.items())} for lang, words in found.items()}


def labelled(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every labelled sentence of these files outside the held-out sets."""
    return [item for path in paths for item in load(path) if not held_out(item)]


def kb_sentences(folders: list[Path]) -> list[dict[str, Any]]:
    """Every sentence of every wording-checked field of the entries in these KBs (the field
    registry says which), as accurate text."""
    found: list[dict[str, Any]] = []
    for folder in folders:
        for path in sorted(folder.glob("*/*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("lang") not in ("zh", "en"):
                continue
            for _, _, text in text_values(data, lambda field: field.wording):
                for start, end in split_sentences(text).spans:
                    found.append({"lang": data["lang"], "categories": [], "text": text[start:end]})
    return found


def _fit(rows: list[tuple[set[str], bool]], seed: int) -> tuple[dict[str, float], float]:
    weights: dict[str, float] = defaultdict(float)
    bias = 0.0
    order = list(range(len(rows)))
    rng = random.Random(seed)
    positives = sum(1 for _, y in rows if y) or 1
    balance = max(1.0, (len(rows) - positives) / positives) ** 0.5  # rarer positives weigh more
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        rate = RATE / (1 + epoch * 0.3)
        for index in order:
            feats, label = rows[index]
            z = bias + sum(weights[f] for f in feats)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            gradient = (p - label) * (balance if label else 1.0)
            bias -= rate * gradient
            for f in feats:
                weights[f] -= rate * (gradient + L2 * weights[f])
    return dict(weights), bias


def _score(weights: dict[str, float], bias: float, feats: set[str]) -> float:
    return bias + sum(weights.get(f, 0.0) for f in feats)


def _threshold(scored: list[tuple[float, bool]], precision: float) -> float:
    """Lowest score whose flagged set keeps precision >= `precision` (inf when none does)."""
    best = math.inf
    tp = fp = 0
    for score, label in sorted(scored, key=lambda pair: -pair[0]):
        tp, fp = tp + label, fp + (not label)
        if tp and tp / (tp + fp) >= precision:
            best = score
    return best


def rule_categories(items: list[dict[str, Any]]) -> list[set[str]]:
    """The categories the rules alone flag in each sentence (the model switched off)."""
    from . import WordingConfig, lint_text, load_rules  # the engine, only when comparing

    rules, _ = load_rules()
    config = WordingConfig.from_mapping({"disabled": ["model"]})
    return [
        {f.category for f in lint_text(i["text"], i["lang"], rules, config=config)} - {"plain"}
        for i in items
    ]


def compare_policies(
    items: list[dict[str, Any]],
    out_of_fold: dict[tuple[int, str], float],
    limits: dict[str, dict[str, dict[str, float]]],
) -> list[str]:
    """Rules plus out-of-fold model findings, micro precision and recall, under each policy:
    the model's thresholds at each precision goal, adding a category to any sentence or only
    to sentences no rule flagged (a second category on a flagged sentence is mostly wrong)."""
    by_rules = rule_categories(items)
    lines = []
    for goal, thresholds in sorted(limits.items()):
        for alone in (False, True):
            tp = fp = fn = 0
            for n, (item, ruled) in enumerate(zip(items, by_rules)):
                found = set(ruled)
                if not (alone and ruled):
                    found |= {
                        c
                        for c, limit in thresholds[item["lang"]].items()
                        if out_of_fold.get((n, c), -math.inf) >= limit
                    }
                want = set(item["categories"])
                tp, fp, fn = tp + len(found & want), fp + len(found - want), fn + len(want - found)
            where = "sentences no rule flagged" if alone else "any sentence"
            lines.append(
                f"thresholds at precision >= {goal}, model on {where}: rules + model out of fold "
                f"P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f} (fp {fp}, fn {fn})"
            )
    return lines


def train(
    precision: float, report: bool, min_recall: float = 0.15, compare: bool = False
) -> dict[str, Any]:
    sets = word_sets()
    categories = list(load_categories())
    items = labelled(FILES) + kb_sentences(ACCURATE_KBS)
    oof: dict[tuple[int, str], float] = {}
    goals = sorted({0.9, 0.95, precision}) if compare else [precision]
    limits: dict[str, dict[str, dict[str, float]]] = {f"{g:.2f}": {} for g in goals}
    model: dict[str, Any] = {
        "weights": {},
        "bias": {},
        "thresholds": {},
        "word_sets": sets,
        "trained_on": len(items),
    }
    for lang in ("zh", "en"):
        index = [n for n, i in enumerate(items) if i["lang"] == lang]
        rows = [
            (features(items[n]["text"], lang, sets[lang]), set(items[n]["categories"]))
            for n in index
        ]
        for goal in limits.values():
            goal[lang] = {}
        model["weights"][lang], model["bias"][lang], model["thresholds"][lang] = {}, {}, {}
        for category in categories:
            data = [(f, category in cats) for f, cats in rows]
            if sum(y for _, y in data) < 5:
                continue
            folds = [data[k::FOLDS] for k in range(FOLDS)]
            out_of_fold: list[tuple[float, bool]] = []
            for k in range(FOLDS):
                train_rows = [row for j, fold in enumerate(folds) if j != k for row in fold]
                weights, bias = _fit(train_rows, SEED + k)
                for m, (f, y) in enumerate(folds[k]):
                    out_of_fold.append((_score(weights, bias, f), y))
                    oof[(index[k + m * FOLDS], category)] = out_of_fold[-1][0]
            positives = sum(y for _, y in data)
            for name, goal in limits.items():
                cut = _threshold(out_of_fold, float(name))
                if sum(y for s, y in out_of_fold if s >= cut) / positives >= min_recall:
                    goal[lang][category] = cut
            limit = _threshold(out_of_fold, precision)
            recall = sum(y for s, y in out_of_fold if s >= limit) / positives
            if report:
                verdict = "" if recall >= min_recall else "  (left to the rules)"
                print(
                    f"{lang} {category:<15} positives {positives:>3}  out-of-fold precision "
                    f">= {precision:.2f} at recall {recall:.2f}{verdict}"
                )
            if math.isinf(limit) or recall < min_recall:
                continue
            weights, bias = _fit(data, SEED)
            kept = {f: round(w, 3) for f, w in sorted(weights.items()) if abs(w) >= 0.05}
            model["weights"][lang][category] = kept
            model["bias"][lang][category] = round(bias, 4)
            model["thresholds"][lang][category] = round(limit, 4)
    if compare:
        print("\n".join(compare_policies(items, oof, limits)))
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report cross-validated figures only")
    parser.add_argument("--precision", type=float, default=0.90)
    parser.add_argument("--min-recall", type=float, default=0.15)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also score rules + model out of fold under each policy for the model's findings",
    )
    args = parser.parse_args()
    model = train(args.precision, report=True, min_recall=args.min_recall, compare=args.compare)
    if not args.check:
        text = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        tmp = MODEL_FILE.with_suffix(".json.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(MODEL_FILE)
        print(f"wrote {MODEL_FILE} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
