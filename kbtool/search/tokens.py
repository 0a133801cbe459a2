"""Text basics shared by indexing and querying: cleaning, script runs, stopwords, English stems.

Pure functions with no heavy imports, so the query side can use them on a cold start."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"([{HAN}]+)|([a-z0-9]+)")
_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_QUERY_CHARS = 200
"""Queries are analysed up to this many characters (longer text is still a valid query)."""

ZH_STOPWORDS = frozenset(
    [
        "的",
        "地",
        "得",
        "了",
        "着",
        "过",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嗯",
        "么",
        "嘛",
        "哈",
        "啦",
        "哇",
        "呐",
        "噢",
        "喔",
        "哎",
        "唉",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "还",
        "又",
        "很",
        "太",
        "挺",
        "最",
        "更",
        "把",
        "被",
        "让",
        "给",
        "对",
        "向",
        "从",
        "于",
        "为",
        "以",
        "而",
        "但",
        "并",
        "如",
        "若",
        "则",
        "之",
        "其",
        "此",
        "这",
        "那",
        "哪",
        "这个",
        "那个",
        "这些",
        "那些",
        "这样",
        "那样",
        "这种",
        "那种",
        "这里",
        "那里",
        "这边",
        "那边",
        "这儿",
        "那儿",
        "哪里",
        "哪儿",
        "哪个",
        "哪些",
        "什么",
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "为什么",
        "为啥",
        "啥",
        "咋",
        "咋办",
        "怎么办",
        "怎么回事",
        "多少",
        "多久",
        "多长时间",
        "几",
        "多",
        "些",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "可能",
        "会",
        "会不会",
        "要",
        "要不要",
        "想",
        "想要",
        "需要",
        "需不需要",
        "应该",
        "该",
        "用不用",
        "行不行",
        "好不好",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "咱",
        "咱们",
        "自己",
        "人家",
        "俺",
        "本人",
        "家里人",
        "家人",
        "一下",
        "一点",
        "一点儿",
        "有点",
        "有点儿",
        "有些",
        "一些",
        "一直",
        "总是",
        "老是",
        "还是",
        "就是",
        "是不是",
        "有没有",
        "没有",
        "有",
        "没",
        "不",
        "别",
        "已经",
        "刚刚",
        "刚才",
        "请问",
        "请",
        "问",
        "问问",
        "问一下",
        "谢谢",
        "你好",
        "您好",
        "好的",
        "那个啥",
        "然后",
        "所以",
        "因为",
        "但是",
        "而且",
        "如果",
        "的话",
        "之后",
        "以后",
        "后",
        "前",
        "时候",
        "吗",
        "呀",
        "嘞",
        "咯",
        "滴",
        "恩",
        "额",
        "呃",
    ]
)
"""Function words and call-centre filler: never search terms, never counted as 'words' of a query."""

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "have",
        "if",
        "in",
        "is",
        "it",
        "may",
        "not",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "us",
        "we",
        "will",
        "with",
        "yet",
        "you",
        "your",
        "i",
        "my",
        "me",
        "im",
        "i'm",
        "do",
        "does",
        "did",
        "what",
        "how",
        "why",
        "should",
        "could",
        "would",
        "there",
        "about",
        "get",
        "got",
        "been",
        "was",
        "she",
        "he",
        "her",
        "his",
        "they",
        "them",
        "our",
        "has",
        "had",
        "any",
        "some",
        "much",
        "many",
        "please",
        "hi",
        "hello",
        "ok",
        "also",
        "just",
        "so",
        "than",
        "then",
        "its",
    ]
)


class Run(NamedTuple):
    """A stretch of one script in normalised text: 'han' (Chinese) or 'latin' (letters and digits)."""

    kind: str
    text: str
    start: int
    end: int


def clean(text: str) -> str:
    """Text safe to print and store: lone surrogates (e.g. from undecodable argv bytes) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", clean(text)).lower()


def normalize_mapped(text: str) -> tuple[str, list[int]]:
    """`normalize`, character by character, with where each output character came from:
    `origin[i]` is the index in `text` of output character i (`origin[len]` is `len(text)`),
    so a span of the normalised text maps back to what was typed."""
    out: list[str] = []
    origin: list[int] = []
    for at, char in enumerate(clean(text)):
        piece = unicodedata.normalize("NFKC", char).lower() if not char.isascii() else char.lower()
        out.append(piece)
        origin += [at] * len(piece)
    origin.append(len(text))
    return "".join(out), origin


def runs(text: str) -> Iterator[Run]:
    """Chinese runs and Latin/digit runs of already-normalised text, in order."""
    for match in _RUNS.finditer(text):
        kind = "han" if match.group(1) else "latin"
        yield Run(kind, match.group(0), match.start(), match.end())


def has_han(text: str) -> bool:
    return any(run.kind == "han" for run in runs(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English stem (Porter); digits and very short words are kept as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    from whoosh.lang.porter import stem as porter_stem

    return str(porter_stem(word))


def english_terms(run_text: str) -> list[str]:
    """Index/query terms of one Latin run: nothing for a stopword, else its stem."""
    return [] if run_text in EN_STOPWORDS else [stem(run_text)]


def han_bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of a Chinese run (the run itself when it is one character)."""
    if len(text) == 1:
        return [text]
    return [text[i : i + 2] for i in range(len(text) - 1)]
