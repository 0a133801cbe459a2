"""A small staff-search knowledge base shared by the search tests, and a fast index cache.

Building jieba's dictionary files takes a second, so they are made once per test session and
copied into each test's cache folder."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
REVIEW = {
    "reviewed_by": "示例医生（虚构）",
    "reviewed_on": "2026-03-01",
    "next_review": "2027-03-01",
}


def reviewed(**fields: Any) -> dict[str, Any]:
    return {"review": dict(REVIEW), **fields}


SMALL_KB: list[dict[str, Any]] = [
    entry_data(
        "acute-conjunctivitis",
        title="急性结膜炎（红眼病）",
        aliases=["红眼病", "红眼", "pink eye"],
        specialty="眼科",
        summary="急性结膜炎俗称红眼病，眼睛发红、分泌物多，多数一到两周好转。",
        body="## 表现\n\n眼睛发红、发痒，早上醒来眼屎多，把眼皮粘住。\n\n勤洗手，毛巾分开用。\n",
        red_flags=[
            {"when": "眼睛剧痛或看东西模糊", "urgency": "urgent", "action": "当天去眼科急诊。"}
        ],
        **reviewed(),
    ),
    entry_data(
        "ectopic-pregnancy",
        title="宫外孕（异位妊娠）",
        aliases=["异位妊娠", "宫外孕"],
        specialty="妇科",
        summary="宫外孕是受精卵在子宫腔以外着床，破裂时可引起内出血，需要尽快就医。",
        body="## 表现\n\n停经后一侧下腹痛，少量阴道出血。\n",
        red_flags=[
            {"when": "按时复查", "urgency": "routine", "action": "按医生安排复查 hCG。"},
            {"when": "停经后一侧下腹痛", "urgency": "urgent", "action": "当天到妇科急诊。"},
            {"when": "突然剧烈腹痛、晕倒", "urgency": "emergency", "action": "立即拨打 120。"},
        ],
        **reviewed(),
    ),
    entry_data(
        "ectopic-pregnancy-en",
        lang="en",
        title="Ectopic pregnancy",
        aliases=["tubal pregnancy"],
        summary="An ectopic pregnancy grows outside the womb and needs urgent care.",
        body="## Signs\n\nPain on one side of the tummy and light bleeding after a missed period.\n",
        **reviewed(),
    ),
    entry_data(
        "abortion-aftercare",
        "aftercare",
        title="人工流产术后护理",
        aliases=["人流", "人流术后"],
        summary="人流术后少量出血通常一到两周停止，注意休息，一个月内不要同房。",
        body="## 出血\n\n术后阴道出血一般不超过两周。出血比月经多或超过两周，请就诊。\n\n## 同房\n\n一个月内避免同房和盆浴。\n",
        red_flags=[
            {"when": "大量出血、发热、剧烈腹痛", "urgency": "urgent", "action": "当天就诊。"}
        ],
        **reviewed(),
    ),
    entry_data(
        "insurance-card",
        "faq",
        title="医保刷卡和报销",
        question="看病可以刷医保卡吗？怎么报销？",
        aliases=["医保卡", "刷医保", "报销"],
        specialty="门诊服务",
        summary="在医保定点医院可以用社保卡或医保电子凭证直接结算。",
        body="## 刷卡\n\n挂号和缴费时出示社保卡。\n",
        **reviewed(),
    ),
    entry_data(
        "hpv-vaccine",
        "faq",
        title="HPV 疫苗常见问题",
        question="HPV 疫苗什么年龄可以打？",
        aliases=["宫颈癌疫苗", "九价"],
        specialty="妇科",
        summary="HPV 疫苗可以预防多数宫颈癌，最好在有性生活前接种。",
        body="## 接种\n\n一般分两到三针完成。\n",
        **reviewed(),
    ),
    entry_data(
        "flu",
        lang="en",
        title="Flu (influenza)",
        aliases=["influenza"],
        summary="Flu causes fever, cough and aching muscles; most people recover in a week.",
        body="## Care\n\nRest, drink fluids and take paracetamol for fever.\n",
        review={**REVIEW, "next_review": "2026-10-01"},
    ),
    entry_data(
        "nosebleed",
        "faq",
        title="流鼻血怎么办",
        question="流鼻血了怎么止血？",
        summary="身体前倾，捏住鼻翼十分钟。",
        body="## 止血\n\n不要仰头。\n",
    ),
    entry_data(
        "kidney-stones",
        title="肾结石与肾绞痛",
        aliases=["肾结石", "结石"],
        specialty="泌尿外科",
        summary="肾结石可引起剧烈腰痛，需要就医检查。",
        body="## 表现\n\n突然腰痛，血尿。\n",
        **reviewed(),
    ),
]
"""Nine entries: one per query kind to test, a draft (nosebleed) and an overdue one (flu)."""


def write_small_kb(kb: Path) -> None:
    for data in SMALL_KB:
        write_entry(kb, data)


_TEMPLATE: dict[str, Path] = {}


def seeded_cache(base: Path) -> Path:
    """A cache folder already holding the shared dictionary files (made once per test run)."""
    if "root" not in _TEMPLATE:
        from kbtool.search.analysis import DocumentAnalyzer

        root = Path(tempfile.mkdtemp(prefix="kbtool-search-dicts-"))
        atexit.register(shutil.rmtree, root, True)
        DocumentAnalyzer(root)  # writes the dictionary and character-reading files
        _TEMPLATE["root"] = root
    cache = base / ".kbtool-cache"
    shutil.copytree(_TEMPLATE["root"], cache / "search", dirs_exist_ok=True)
    return cache


def test_small_kb_passes_check(tmp_path: Path) -> None:
    from kbtool.check import check_kb

    kb = tmp_path / "kb"
    write_small_kb(kb)
    result = check_kb(kb, TODAY)
    assert result.errors == 0, [p.message for p in result.problems]
