"""The search box's own words, per site language (entry text comes from the KB)."""

from __future__ import annotations

from ...model import ENTRY_TYPES
from ..labels import LANGUAGE_NAMES, label

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "dialog": "搜索本站",
        "results": "搜索结果",
        "input": "搜索疾病、症状或问题",
        "placeholder": "搜索疾病、症状或问题",
        "open": "搜索",
        "close": "关闭搜索",
        "clear": "清除",
        "hint": "输入疾病、症状或问题，例如：红眼病、人流后出血、几点开门。",
        "loading": "正在准备搜索…",
        "error": "搜索暂时无法使用。请刷新页面，或从“A 到 Z”页面查找。",
        "none": "没有找到相关内容。请换个说法，或从“A 到 Z”页面查找。",
        "one": "找到 1 条结果",
        "other": "找到 {count} 条结果",
        "more": "找到 {count} 条结果，显示前 {shown} 条",
        "current": "已审核 {date}",
        "overdue": "需复审",
        "draft": "草稿，未审核",
        "changed": "有未审核的修改",
        "overdue_help": "此页面已超过审核日期，内容可能不是最新的。",
    },
    "en": {
        "dialog": "Search this site",
        "results": "Search results",
        "input": "Search conditions, symptoms or questions",
        "placeholder": "Search conditions, symptoms or questions",
        "open": "Search",
        "close": "Close search",
        "clear": "Clear",
        "hint": "Type a condition, symptom or question, for example: pink eye, bleeding after "
        "abortion, opening hours.",
        "loading": "Getting search ready…",
        "error": "Search is not working right now. Reload the page, or use the A to Z page.",
        "none": "Nothing found. Try other words, or use the A to Z page.",
        "one": "1 result",
        "other": "{count} results",
        "more": "{count} results, showing the first {shown}",
        "current": "Reviewed {date}",
        "overdue": "Review overdue",
        "draft": "Draft, not reviewed",
        "changed": "Unreviewed changes",
        "overdue_help": "This page is past its review date and may be out of date.",
    },
}


def search_labels(lang: str) -> dict[str, str]:
    """The search box's words in `lang` (English for a language without its own), with the
    section names and language names the results show."""
    words = dict(LABELS.get(lang, LABELS["en"]))
    words.update({f"type.{kind}": label(lang, f"section.{kind}") for kind in ENTRY_TYPES})
    words.update({f"lang.{code}": name for code, name in LANGUAGE_NAMES.items()})
    return words
