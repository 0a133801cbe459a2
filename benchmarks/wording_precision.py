"""Precision and recall of the wording rules on the labelled sentences, per category and language.

The labelled sets live in tests/data/ (`wording_*.yaml`, listed once in kbtool/lint/labelled.py
and shared with the trainer). Sets whose name ends in `-holdout` are never used while
writing rules: by default they are left out, and `--heldout` scores only them (do that once
per batch, and record the first figure in the data file). A sentence counts as flagged for
category C when any finding has category C; plain-language findings are not scored. Also
prints the time per sentence and per typical entry-sized text.

Usage:  python benchmarks/wording_precision.py [--heldout] [--show] [--rules-only] [--set NAME]
        [--data FILE ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kbtool.lint import TextFinding, WordingConfig, lint_text, load_rules
from kbtool.lint.labelled import FILES, held_out, load
from kbtool.lint.load import load_categories
from kbtool.lint.plain import CATEGORY as PLAIN

CATEGORIES = tuple(load_categories())


def flagged(findings: list[TextFinding]) -> set[str]:
    return {f.category for f in findings if f.category != PLAIN}


def score(items: list[dict[str, Any]], results: list[set[str]]) -> dict[str, Counter[str]]:
    """Per category: tp, fp, fn counts."""
    counts: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    for item, got in zip(items, results):
        want = set(item["categories"])
        for category in set(CATEGORIES) | want | got:
            bucket = counts.setdefault(category, Counter())
            if category in want and category in got:
                bucket["tp"] += 1
            elif category in got:
                bucket["fp"] += 1
            elif category in want:
                bucket["fn"] += 1
    return counts


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


TYPICAL_ENTRIES: dict[str, list[tuple[str, str]]] = {
    "zh": [
        ("title", "宫外孕（异位妊娠）"),
        (
            "summary",
            (
                "宫外孕是受精卵在子宫腔以外的地方着床，最常见于输卵管。它不能继续发育成正常妊娠，"
                "破裂时可引起危及生命的内出血，需要尽快就医确诊。"
            ),
        ),
        (
            "body",
            (
                "## 常见表现\n- 停经后出现下腹痛，常在一侧\n- 少量阴道出血，颜色较暗\n"
                "- 有时伴有头晕、乏力或肛门坠胀感\n\n## 怎样确诊\n医生会根据停经时间、血HCG水平和B超"
                "检查来判断。有时一次检查不能确定，需要隔两天复查。\n\n## 治疗\n治疗方法取决于孕囊大小、"
                "HCG水平和是否破裂。部分患者可以用药物治疗，另一些需要腹腔镜手术。医生会和您一起比较各种"
                "方法的利弊。\n\n## 以后还能怀孕吗\n大多数人治疗后仍可以正常怀孕，但再次发生宫外孕的风险"
                "会比一般人高一些。下次怀孕时请尽早做B超，确认孕囊的位置。\n\n## 术后注意事项\n手术后一般"
                "需要休息一到两周，避免提重物。如果出现发热、伤口红肿或腹痛加重，请及时复诊。\n"
            ),
        ),
        ("red_flags", "突发剧烈腹痛、头晕或晕倒、肩膀痛"),
        ("red_flags", "立即拨打 120 或去最近的急诊。"),
    ],
    "en": [
        ("title", "Conjunctivitis (pink eye)"),
        (
            "summary",
            (
                "Conjunctivitis is an infection or swelling of the thin layer over the white of the "
                "eye. It usually gets better on its own within one to two weeks."
            ),
        ),
        (
            "body",
            (
                "## Symptoms\n- red, watery or sticky eyes\n- a gritty feeling, like sand in the eye\n"
                "- itching, and crusts on the eyelashes in the morning\n\n## Things you can do\n"
                "Clean your eyelids with a clean cotton pad and cooled boiled water. Wash your hands "
                "often and do not share towels or pillows. Do not wear contact lenses until your eyes "
                "are better. A pharmacist can help and may suggest eye drops.\n\n## When to get help\n"
                "Ask for an urgent GP appointment or call 111 if you have pain in your eye, changes in "
                "your vision, or your eyes are very sensitive to light. See "
                "[NHS advice](https://www.nhs.uk/conditions/conjunctivitis/) for more.\n"
            ),
        ),
        ("red_flags", "Sudden loss of vision"),
        ("red_flags", "Go to A&E or call 999 now."),
    ],
}
"""Realistic, mostly accurate entries of about 1 KB: what `kbtool check` sees most of the time."""


def _lint_fields(
    fields: list[tuple[str, str]],
    lang: str,
    rules: list,  # type: ignore[type-arg]
    config: WordingConfig | None = None,
) -> None:
    for field, text in fields:
        lint_text(text, lang, rules, field=field, config=config)


def _reference_loop() -> float:
    started = time.perf_counter()
    for _ in range(100):
        sum(range(10000))
    return (time.perf_counter() - started) / 100 * 1e6


def _table(title: str, items: list[dict[str, Any]], results: list[set[str]]) -> None:
    counts = score(items, results)
    want_any = sum(1 for i in items if i["categories"])
    print(
        f"\n{title}: {len(items)} sentences ({want_any} to flag, {len(items) - want_any} accurate)"
    )
    print(f"{'category':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}")
    total: Counter[str] = Counter()
    order = {c: n for n, c in enumerate(CATEGORIES)}
    for category in sorted(counts, key=lambda c: (order.get(c, len(order)), c)):
        c = counts[category]
        if not (c["tp"] or c["fp"] or c["fn"]):
            continue
        total.update(c)
        print(
            f"{category:<16}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}"
            f"{ratio(c['tp'], c['tp'] + c['fp']):>11.3f}{ratio(c['tp'], c['tp'] + c['fn']):>8.3f}"
        )
    precision = ratio(total["tp"], total["tp"] + total["fp"])
    recall = ratio(total["tp"], total["tp"] + total["fn"])
    print(
        f"{'overall':<16}{total['tp']:>5}{total['fp']:>5}{total['fn']:>5}"
        f"{precision:>11.3f}{recall:>8.3f}   (micro-average over categories)"
    )
    any_tp = sum(1 for i, r in zip(items, results) if i["categories"] and r)
    any_fp = sum(1 for i, r in zip(items, results) if not i["categories"] and r)
    any_fn = sum(1 for i, r in zip(items, results) if i["categories"] and not r)
    print(
        f"{'any defect':<16}{any_tp:>5}{any_fp:>5}{any_fn:>5}"
        f"{ratio(any_tp, any_tp + any_fp):>11.3f}{ratio(any_tp, any_tp + any_fn):>8.3f}   "
        "(sentence flagged at all vs. labelled with any category)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=list(FILES))
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="score only the held-out sets (never used to write rules)",
    )
    parser.add_argument(
        "--show", action="store_true", help="list every wrong sentence (never for held-out sets)"
    )
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="leave the statistical model out (wording: disabled: [model])",
    )
    parser.add_argument(
        "--set",
        dest="subset",
        default=None,
        help="score only the items of this set name (e.g. fresh, scripts, holdout4)",
    )
    args = parser.parse_args()
    if args.show and args.heldout:
        parser.error(
            "--show lists sentences: held-out sentences must stay unread while rules are written"
        )

    rules, problems = load_rules()
    for problem in problems:
        print(
            f"rule file problem: {problem.file}:{problem.line}: {problem.message}", file=sys.stderr
        )
    items = [item for path in args.data for item in load(path)]
    items = [i for i in items if held_out(i) == args.heldout]
    if args.subset:
        items = [i for i in items if i.get("set", "dev") == args.subset]
    config = WordingConfig.from_mapping({"disabled": ["model"]}) if args.rules_only else None
    results: list[set[str]] = []
    timings: list[float] = []
    for item in items:
        lint_text(item["text"], item["lang"], rules, config=config)  # warm-up: no first-use costs
    for item in items:
        started = time.perf_counter()
        findings = lint_text(item["text"], item["lang"], rules, config=config)
        timings.append(time.perf_counter() - started)
        results.append(flagged(findings))

    kind = (
        "held-out sets only (never tuned on)" if args.heldout else "sets used while writing rules"
    )
    model = "rules only" if args.rules_only else "rules and the statistical model"
    print(f"{len(rules)} rules, {model}; {kind}")
    for name in sorted({i["file"] for i in items}):
        chosen = [n for n, i in enumerate(items) if i["file"] == name]
        _table(name, [items[n] for n in chosen], [results[n] for n in chosen])
    for lang in ("zh", "en"):
        chosen = [n for n, i in enumerate(items) if i["lang"] == lang]
        if chosen:
            _table(f"all files, {lang}", [items[n] for n in chosen], [results[n] for n in chosen])
    _table("ALL", items, results)

    reference = min(_reference_loop() for _ in range(5))
    print(
        f"\nmachine reference: sum(range(10000)) takes {reference:.0f} µs here "
        "(compare timings across machines with this)"
    )
    micro = [t * 1e6 for t in timings]
    if micro:
        print(
            f"time per sentence: mean {statistics.mean(micro):.1f} µs, median "
            f"{statistics.median(micro):.1f} µs, max {max(micro):.1f} µs"
        )
    for lang, fields in TYPICAL_ENTRIES.items():
        size = sum(len(text.encode("utf-8")) for _, text in fields)
        for _ in range(20):
            _lint_fields(fields, lang, rules, config)
        runs = 300
        best = float("inf")
        for _ in range(5):  # best of five: the machine may be shared
            started = time.process_time()
            for _ in range(runs):
                _lint_fields(fields, lang, rules, config)
            best = min(best, (time.process_time() - started) / runs)
        print(
            f"time per typical {lang} entry ({len(fields)} fields, {size} bytes): "
            f"{best * 1e3:.3f} ms (CPU time, best of 5 x {runs})"
        )

    if args.show:
        print("\nwrong sentences:")
        for item, got in zip(items, results):
            want = set(item["categories"])
            if want != got:
                print(f"  [{item['file']}] want {sorted(want)} got {sorted(got)}: {item['text']}")
    return 0


def run() -> int:
    """main(), quiet when the reader stops early (`... | head`): the rest is simply not printed."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0


if __name__ == "__main__":
    sys.exit(run())
