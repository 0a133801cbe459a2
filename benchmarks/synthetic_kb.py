"""Generate a synthetic knowledge base in the core format (shared by the benchmarks)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

FOLDERS = {
    "condition": "conditions",
    "aftercare": "aftercare",
    "referral": "referrals",
    "faq": "faq",
}
TOPICS_ZH = [
    "结膜炎",
    "中耳炎",
    "尿路感染",
    "发热",
    "咳嗽",
    "腹泻",
    "宫外孕",
    "阴道炎",
    "前列腺炎",
    "鼻出血",
    "扁桃体炎",
    "麦粒肿",
    "肾结石",
    "流感",
    "头痛",
    "皮疹",
    "胃痛",
    "背痛",
    "失眠",
    "过敏",
]
TOPICS_EN = [
    "conjunctivitis",
    "ear infection",
    "urinary tract infection",
    "fever",
    "cough",
    "diarrhoea",
    "sore throat",
    "nosebleed",
    "headache",
    "back pain",
]


def entry_text(index: int, rng: random.Random, total: int) -> tuple[str, str]:
    kind = list(FOLDERS)[index % 4]
    english = index % 5 == 0
    topic = rng.choice(TOPICS_EN if english else TOPICS_ZH)
    entry_id = f"entry-{index:05d}"
    related = f"entry-{(index + 7) % total:05d}"
    lines = [
        f"id: {entry_id}",
        f"type: {kind}",
        f"lang: {'en' if english else 'zh'}",
        f"title: {topic} {index}" if english else f"title: {topic}({index})",
    ]
    if kind == "faq":
        lines.append(
            f"question: What should I know about {topic}?"
            if english
            else f"question: {topic}要注意什么?"
        )
    summary = (
        f"{topic.capitalize()} is common. Most people get better with simple care at home."
        if english
        else f"{topic}比较常见。大多数人经过适当处理后会好转,如有加重请及时就医。"
    )
    lines += [
        f"summary: >-\n  {summary}",
        "body: |",
        "  ## What it is" if english else "  ## 是什么",
        "",
        f"  Information about {topic} for patients, written in plain words."
        if english
        else f"  关于{topic}的患者说明,用通俗的语言写成。",
        "",
        "  - rest and drink fluids" if english else "  - 注意休息,多喝水",
        "  - see a doctor if it gets worse" if english else "  - 如果加重请就医",
        f"aliases: [{topic}, alias-{index}]",
        f"related: [{related}]",
        "red_flags:",
        "  - when: trouble breathing" if english else "  - when: 呼吸困难",
        "    urgency: emergency",
        "    action: Call 120 now." if english else "    action: 立即拨打 120。",
        "review:",
        "  reviewed_by: Dr Sample (fictional)",
        "  reviewed_on: 2026-03-01",
        "  next_review: 2027-03-01",
    ]
    return f"{FOLDERS[kind]}/{entry_id}.yaml", "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """Write `count` entries under `root` (created) and return it."""
    rng = random.Random(seed)
    for index in range(count):
        relative, text = entry_text(index, rng, count)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    arguments = parser.parse_args()
    generate(arguments.out, arguments.count)
    print(f"wrote {arguments.count} entries to {arguments.out}")
