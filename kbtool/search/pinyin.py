"""Pinyin keys, so that pinyin (gongwaiyun, gwy) and homophone typos (宫外运) find the right words.

Keys are toneless and lightly 'fuzzy' (zh/ch/sh = z/c/s, -ing/-eng = -in/-en), the confusions
most common in fast typing with a pinyin input method. Pure functions; pypinyin is imported
only by `char_table` and `word_syllables`, which run when the index is built."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise, product

SYLLABLES = frozenset(
    [
        "a",
        "ai",
        "an",
        "ang",
        "ao",
        "ba",
        "bai",
        "ban",
        "bang",
        "bao",
        "bei",
        "ben",
        "beng",
        "bi",
        "bian",
        "biao",
        "bie",
        "bin",
        "bing",
        "bo",
        "bu",
        "ca",
        "cai",
        "can",
        "cang",
        "cao",
        "ce",
        "cen",
        "ceng",
        "cha",
        "chai",
        "chan",
        "chang",
        "chao",
        "che",
        "chen",
        "cheng",
        "chi",
        "chong",
        "chou",
        "chu",
        "chua",
        "chuai",
        "chuan",
        "chuang",
        "chui",
        "chun",
        "chuo",
        "ci",
        "cong",
        "cou",
        "cu",
        "cuan",
        "cui",
        "cun",
        "cuo",
        "da",
        "dai",
        "dan",
        "dang",
        "dao",
        "de",
        "dei",
        "den",
        "deng",
        "di",
        "dia",
        "dian",
        "diao",
        "die",
        "ding",
        "diu",
        "dong",
        "dou",
        "du",
        "duan",
        "dui",
        "dun",
        "duo",
        "e",
        "ei",
        "en",
        "eng",
        "er",
        "fa",
        "fan",
        "fang",
        "fei",
        "fen",
        "feng",
        "fo",
        "fou",
        "fu",
        "ga",
        "gai",
        "gan",
        "gang",
        "gao",
        "ge",
        "gei",
        "gen",
        "geng",
        "gong",
        "gou",
        "gu",
        "gua",
        "guai",
        "guan",
        "guang",
        "gui",
        "gun",
        "guo",
        "ha",
        "hai",
        "han",
        "hang",
        "hao",
        "he",
        "hei",
        "hen",
        "heng",
        "hong",
        "hou",
        "hu",
        "hua",
        "huai",
        "huan",
        "huang",
        "hui",
        "hun",
        "huo",
        "ji",
        "jia",
        "jian",
        "jiang",
        "jiao",
        "jie",
        "jin",
        "jing",
        "jiong",
        "jiu",
        "ju",
        "juan",
        "jue",
        "jun",
        "ka",
        "kai",
        "kan",
        "kang",
        "kao",
        "ke",
        "kei",
        "ken",
        "keng",
        "kong",
        "kou",
        "ku",
        "kua",
        "kuai",
        "kuan",
        "kuang",
        "kui",
        "kun",
        "kuo",
        "la",
        "lai",
        "lan",
        "lang",
        "lao",
        "le",
        "lei",
        "leng",
        "li",
        "lia",
        "lian",
        "liang",
        "liao",
        "lie",
        "lin",
        "ling",
        "liu",
        "lo",
        "long",
        "lou",
        "lu",
        "luan",
        "lun",
        "luo",
        "lv",
        "lve",
        "lue",
        "ma",
        "mai",
        "man",
        "mang",
        "mao",
        "me",
        "mei",
        "men",
        "meng",
        "mi",
        "mian",
        "miao",
        "mie",
        "min",
        "ming",
        "miu",
        "mo",
        "mou",
        "mu",
        "na",
        "nai",
        "nan",
        "nang",
        "nao",
        "ne",
        "nei",
        "nen",
        "neng",
        "ni",
        "nian",
        "niang",
        "niao",
        "nie",
        "nin",
        "ning",
        "niu",
        "nong",
        "nou",
        "nu",
        "nuan",
        "nun",
        "nuo",
        "nv",
        "nve",
        "nue",
        "o",
        "ou",
        "pa",
        "pai",
        "pan",
        "pang",
        "pao",
        "pei",
        "pen",
        "peng",
        "pi",
        "pian",
        "piao",
        "pie",
        "pin",
        "ping",
        "po",
        "pou",
        "pu",
        "qi",
        "qia",
        "qian",
        "qiang",
        "qiao",
        "qie",
        "qin",
        "qing",
        "qiong",
        "qiu",
        "qu",
        "quan",
        "que",
        "qun",
        "ran",
        "rang",
        "rao",
        "re",
        "ren",
        "reng",
        "ri",
        "rong",
        "rou",
        "ru",
        "rua",
        "ruan",
        "rui",
        "run",
        "ruo",
        "sa",
        "sai",
        "san",
        "sang",
        "sao",
        "se",
        "sen",
        "seng",
        "sha",
        "shai",
        "shan",
        "shang",
        "shao",
        "she",
        "shei",
        "shen",
        "sheng",
        "shi",
        "shou",
        "shu",
        "shua",
        "shuai",
        "shuan",
        "shuang",
        "shui",
        "shun",
        "shuo",
        "si",
        "song",
        "sou",
        "su",
        "suan",
        "sui",
        "sun",
        "suo",
        "ta",
        "tai",
        "tan",
        "tang",
        "tao",
        "te",
        "teng",
        "ti",
        "tian",
        "tiao",
        "tie",
        "ting",
        "tong",
        "tou",
        "tu",
        "tuan",
        "tui",
        "tun",
        "tuo",
        "wa",
        "wai",
        "wan",
        "wang",
        "wei",
        "wen",
        "weng",
        "wo",
        "wu",
        "xi",
        "xia",
        "xian",
        "xiang",
        "xiao",
        "xie",
        "xin",
        "xing",
        "xiong",
        "xiu",
        "xu",
        "xuan",
        "xue",
        "xun",
        "ya",
        "yan",
        "yang",
        "yao",
        "ye",
        "yi",
        "yin",
        "ying",
        "yo",
        "yong",
        "you",
        "yu",
        "yuan",
        "yue",
        "yun",
        "za",
        "zai",
        "zan",
        "zang",
        "zao",
        "ze",
        "zei",
        "zen",
        "zeng",
        "zha",
        "zhai",
        "zhan",
        "zhang",
        "zhao",
        "zhe",
        "zhei",
        "zhen",
        "zheng",
        "zhi",
        "zhong",
        "zhou",
        "zhu",
        "zhua",
        "zhuai",
        "zhuan",
        "zhuang",
        "zhui",
        "zhun",
        "zhuo",
        "zi",
        "zong",
        "zou",
        "zu",
        "zuan",
        "zui",
        "zun",
        "zuo",
    ]
)
"""Toneless Mandarin syllables as typed with a pinyin keyboard (ü written v)."""

_LONGEST = max(len(s) for s in SYLLABLES)
MAX_KEY_SYLLABLES = 6
"""Longest word (in syllables) matched by sound."""


@lru_cache(maxsize=4096)
def fuzzy(syllable: str) -> str:
    """The syllable with the usual typing confusions folded together."""
    s = syllable.replace("ü", "v").replace("lue", "lve").replace("nue", "nve")
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.endswith(("ing", "eng")):
        s = s[:-1]
    return s


def key(syllables: Iterable[str]) -> str:
    """Full pinyin key of a word, e.g. [gong, wai, yun] -> 'gongwaiyun'."""
    return "".join(fuzzy(s) for s in syllables)


def initials(syllables: Iterable[str]) -> str:
    """Initials key of a word, e.g. [gong, wai, yun] -> 'gwy'."""
    return "".join(s[0] for s in syllables if s)


def bigrams(syllables: list[str]) -> list[str]:
    """Adjacent syllable pairs, e.g. 'gong_wai', 'wai_yun' (robust to how words are cut)."""
    folded = [fuzzy(s) for s in syllables]
    return [f"{a}_{b}" for a, b in pairwise(folded)]


@lru_cache(maxsize=4096)
def split_latin(text: str) -> tuple[str, ...] | None:
    """Split typed pinyin into syllables ('gongwaiyun' -> gong wai yun), or None if it is not pinyin.

    Prefers the fewest syllables, which resolves most ambiguities the way people type."""
    if not text.isalpha() or not text.isascii():
        return None
    best: list[tuple[str, ...] | None] = [None] * (len(text) + 1)
    best[0] = ()
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - _LONGEST), end):
            previous = best[start]
            piece = text[start:end]
            if previous is not None and piece in SYLLABLES:
                candidate = (*previous, piece)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(text)]


def variants(readings: list[tuple[str, ...]], limit: int = 8) -> list[tuple[str, ...]]:
    """Every reading of a run of characters (each with one or more readings), at most `limit`."""
    found: list[tuple[str, ...]] = []
    for combination in product(*readings):
        found.append(combination)
        if len(found) >= limit:
            break
    return found


def char_table() -> dict[str, tuple[str, ...]]:
    """Every character pypinyin knows -> its toneless readings, most common first (index time only)."""
    from pypinyin import Style, pinyin_dict
    from pypinyin.style import convert

    table: dict[str, tuple[str, ...]] = {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        seen: list[str] = []
        for reading in readings.split(","):
            plain = convert(reading, Style.NORMAL, strict=True).replace("ü", "v")
            if plain in SYLLABLES and plain not in seen:
                seen.append(plain)
        if seen:
            table[chr(code)] = tuple(seen)
    return table


@lru_cache(maxsize=65536)
def word_syllables(word: str) -> tuple[str, ...]:
    """Toneless syllables of a Chinese word, reading polyphones in context (index time only)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(
        s.replace("ü", "v") for s in lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
    )
