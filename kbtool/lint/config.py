"""Plain-language settings for the wording check, with defaults a KB may override.

A knowledge base overrides them in `kbtool.yaml` under `wording:`; the defaults follow
NHS and plain-language guidance (short sentences, SMOG grade at most 14, explain terms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

DEFAULT_TERMS: dict[str, tuple[str, ...]] = {
    # zh: term -> plain words that count as an explanation (the first is suggested)
    "异位妊娠": ("宫外孕",),
    "结膜炎": ("红眼病", "眼睛发红", "眼白发红"),
    "子宫内膜异位症": ("子宫内膜长到子宫外面", "内膜长到子宫外"),
    "盆腔炎": ("盆腔感染", "盆腔里的器官发炎", "盆腔器官发炎"),
    "宫颈上皮内瘤变": ("宫颈癌前病变", "癌前病变"),
    "人乳头瘤病毒": ("HPV",),
    "先兆流产": ("有流产的迹象", "流产迹象"),
    "子痫前期": ("妊娠高血压", "怀孕期间血压升高"),
    "人绒毛膜促性腺激素": ("HCG", "验孕"),
    "清宫术": ("清除子宫内残留", "刮宫"),
    "腹腔镜": ("微创", "小切口", "小孔"),
    "心肌梗死": ("心梗", "心脏病发作"),
    "脑卒中": ("中风",),
    "多囊卵巢综合征": ("多囊",),
    "预防性用药": ("提前用药预防", "预防感染"),
    "禁忌证": ("不能使用", "不适合"),
    # en
    "prophylaxis": ("prevention", "prevent"),
    "prophylactic": ("preventive", "prevent"),
    "ectopic pregnancy": ("outside the womb", "outside the uterus"),
    "conjunctivitis": ("pink eye", "red eye", "eye infection"),
    "myocardial infarction": ("heart attack",),
    "cerebrovascular accident": ("stroke",),
    "hypertension": ("high blood pressure",),
    "analgesia": ("pain relief", "painkiller"),
    "analgesic": ("painkiller", "pain relief"),
    "contraindicated": ("should not", "must not", "not safe"),
    "haemorrhage": ("bleeding",),
    "hemorrhage": ("bleeding",),
    "dysmenorrhoea": ("painful periods", "period pain"),
    "dysmenorrhea": ("painful periods", "period pain"),
    "menorrhagia": ("heavy periods", "heavy bleeding"),
    "endometriosis": ("womb lining", "lining of the womb"),
    "laparoscopy": ("keyhole surgery", "keyhole"),
    "asymptomatic": ("no symptoms", "without symptoms"),
    "oedema": ("swelling",),
    "edema": ("swelling",),
    "dyspnoea": ("breathless", "short of breath"),
    "dyspnea": ("breathless", "short of breath"),
    "pyrexia": ("fever", "high temperature"),
    "tachycardia": ("fast heartbeat", "fast heart rate"),
    "idiopathic": ("no known cause", "cause is not known"),
}
"""Medical terms that need a plain explanation when used in a summary."""


@dataclass(frozen=True)
class WordingConfig:
    """Limits for the plain-language checks; every value has a default."""

    max_sentence_chars_zh: int = 60
    """Longest Chinese sentence, in characters (a Latin word or number counts as one)."""
    max_sentence_words_en: int = 25
    """Longest English sentence, in words (GOV.UK and NHS style guides say 25)."""
    smog_limit: float = 14.0
    """NHS flags patient information with a SMOG grade above 14."""
    smog_min_sentences: int = 3
    """SMOG is meaningless on one or two sentences; shorter fields are not graded."""
    term_fields: tuple[str, ...] = ("summary",)
    """Fields where an unexplained medical term is reported."""
    terms: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_TERMS))
    """Term -> plain words that explain it (any of them in the same field counts)."""
    disabled: tuple[str, ...] = ()
    """Rule ids switched off for the whole KB (e.g. plain-smog for a professional audience)."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> WordingConfig:
        """Build from the `wording:` settings of a KB; unknown or ill-typed keys keep the default.

        `terms` entries are added to (or replace) the defaults; set `replace_terms: true` to
        start from an empty list. A term mapped to null or [] is removed."""
        config = cls()
        if not data:
            return config
        changes: dict[str, Any] = {}
        for item in fields(cls):
            if item.name in ("terms", "term_fields", "disabled") or item.name not in data:
                continue
            value = data[item.name]
            kind = float if item.name == "smog_limit" else int
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                changes[item.name] = kind(value)
        for name in ("term_fields", "disabled"):
            value = data.get(name)
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                changes[name] = tuple(value)
        terms = {} if data.get("replace_terms") is True else dict(config.terms)
        raw_terms = data.get("terms")
        if isinstance(raw_terms, Mapping):
            for term, plain in raw_terms.items():
                words = _plain_words(plain)
                if words:
                    terms[str(term)] = words
                else:
                    terms.pop(str(term), None)
        changes["terms"] = terms
        return replace(config, **changes)


def _plain_words(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())
    return ()
