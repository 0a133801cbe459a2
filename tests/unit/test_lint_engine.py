"""The wording engine: context handling, Markdown, plain language, rule folders, entries."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtool.lint import (
    PLAIN_RULE_IDS,
    TextFinding,
    WordingConfig,
    entry_exceptions,
    lint_entry,
    lint_text,
    load_rules,
)
from kbtool.lint.literals import required_literals
from kbtool.lint.text import mask_markdown, split_sentences
from kbtool.loader import load_entry
from kbtool.model import Entry

RULES, _ = load_rules()
COMMA, QUESTION, COLON = "\uff0c", "\uff1f", "\uff1a"  # full-width punctuation, as Chinese is typed


def codes(text: str, lang: str, **kwargs: object) -> set[str]:
    return {f.rule_id for f in lint_text(text, lang, RULES, **kwargs)}  # type: ignore[arg-type]


def categories(text: str, lang: str) -> set[str]:
    return {f.category for f in lint_text(text, lang, RULES) if f.category != "plain"}


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("没有任何一种避孕方法是百分之百有效的。", "zh"),
        (f"如果出现剧烈腹痛{COMMA}请立即拨打120。", "zh"),
        (f"这种手术的风险较低{COMMA}但仍可能出现出血或感染。", "zh"),
        ("No contraceptive method is 100% effective.", "en"),
        ("If you have sudden chest pain, call 999 immediately.", "en"),
        ("There is no cure for asthma, but treatment helps most people.", "en"),
        ("We base this advice on the best available evidence.", "en"),
        ("Feel free to ask questions at any time.", "en"),
        (f"这个病能彻底治好吗{QUESTION}", "zh"),
        ("Is this treatment guaranteed to work?", "en"),
    ],
)
def test_accurate_sentences_pass(text: str, lang: str) -> None:
    assert categories(text, lang) == set()


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        ("这种方法百分之百有效。", "zh", "guarantee"),
        (f"再不治疗就会不孕{COMMA}赶紧来我院。", "zh", "fear"),
        ("这种手术绝对安全，无痛无副作用。", "zh", "no-risk"),
        ("This method is 100% effective.", "en", "guarantee"),
        ("Don't wait until it's too late.", "en", "fear"),
    ],
)
def test_the_same_words_without_context_are_flagged(text: str, lang: str, category: str) -> None:
    assert category in categories(text, lang)


def test_negation_must_be_close_and_in_the_same_clause() -> None:
    # 不孕 is not a negation, and a negation in another clause does not excuse the claim
    assert "guarantee" in categories("不孕不育保证治好。", "zh")
    assert "guarantee" in categories(f"这个病不难{COMMA}保证治好。", "zh")
    assert "guarantee" not in categories("我们不能保证治好。", "zh")


def test_emergency_advice_is_not_fear_marketing() -> None:
    assert "fear" not in categories(f"出现大出血时{COMMA}请立即去最近的急诊。", "zh")
    assert "fear" in categories(f"名额紧张{COMMA}赶紧来院检查。", "zh")
    assert "fear" not in categories(
        "If someone has stroke symptoms, every minute counts: call 999.", "en"
    )


def test_hedged_statements_pass() -> None:
    assert categories("大多数患者经过治疗可以完全康复。", "zh") == set()
    assert categories("Most people are completely cured with antibiotics.", "en") == set()
    assert categories("Some people have no side effects at all.", "en") == set()


def test_chinese_with_ascii_punctuation_is_handled_the_same() -> None:
    assert categories("如果出现剧烈腹痛,请立即拨打120。", "zh") == set()
    assert "guarantee" in categories("坚持治疗,保证治好。", "zh")


def test_statistics_are_promotion_only_when_the_clinic_quotes_its_own() -> None:
    assert "cure-rate" in categories("我院治愈率高达98%。", "zh")
    assert "cure-rate" not in categories("正确使用时，避孕套的有效率约为98%。", "zh")
    assert "cure-rate" in categories("Our clinic has a 97% success rate.", "en")
    assert "cure-rate" not in categories("In trials, the success rate was 60%.", "en")


def test_findings_quote_the_phrase_and_point_into_the_text() -> None:
    text = "Hello. Our treatment is guaranteed to cure you."
    findings = [f for f in lint_text(text, "en", RULES) if f.rule_id == "en-guarantee-cure"]
    assert len(findings) == 1
    finding = findings[0]
    assert isinstance(finding, TextFinding)
    assert text[finding.start : finding.end] == finding.phrase
    assert finding.describe().startswith(f'"{finding.phrase}": ')
    assert finding.level == "error" and finding.category == "guarantee"


def test_empty_text_has_no_findings() -> None:
    assert lint_text("", "zh", RULES) == []
    assert lint_text("   \n", "en", RULES) == []


# --------------------------------------------------------------------------- Markdown


def test_markdown_syntax_causes_no_findings() -> None:
    body = textwrap.dedent("""\
        ## Best practice for eye drops
        - wash your hands first
        * tilt your head back
        1. See [the guideline](https://example.org/best-clinic-guide/2023-0101234567)
        > Ask your pharmacist.
        | step | what |
        """)
    assert categories(body, "en") == set()


def test_markdown_booking_links_are_contact_lures() -> None:
    assert "contact-link" in codes(
        "See [our booking page](https://clinic.example.com/booking).", "en"
    )
    assert "contact-link" in codes("[立即预约](https://example-hospital.cn/page)", "zh")
    assert "contact-link" not in codes("[NHS advice](https://www.nhs.uk/conditions/acne/)", "en")


def test_sentences_do_not_break_inside_wrapped_lines_or_abbreviations() -> None:
    text = "No treatment for this\nis completely safe, e.g. surgery. Second one."
    spans = split_sentences(text).spans
    assert [text[a:b] for a, b in spans] == [
        "No treatment for this\nis completely safe, e.g. surgery.",
        "Second one.",
    ]
    assert categories(text, "en") == set()  # the negation on the previous line still counts


def test_masking_keeps_offsets() -> None:
    text = "## Title\n- item with [link](https://x.org/a) and **bold**"
    masked = mask_markdown(text)
    assert len(masked) == len(text)
    assert "https" not in masked and "**" not in masked and "##" not in masked


# --------------------------------------------------------------------------- plain language


def test_long_sentences_are_warned() -> None:
    long_zh = "这是一个很长的句子" * 8 + "。"
    found = [f for f in lint_text(long_zh, "zh", RULES) if f.rule_id == "plain-long-sentence"]
    assert found and found[0].level == "warning"
    long_en = " ".join(["word"] * 30) + "."
    assert "plain-long-sentence" in codes(long_en, "en")
    assert "plain-long-sentence" not in codes("A short sentence.", "en")
    config = WordingConfig.from_mapping({"max_sentence_words_en": 40})
    assert "plain-long-sentence" not in codes(long_en, "en", config=config)


def test_smog_grade_over_the_limit_is_warned() -> None:
    hard = (
        "Intermittent pharmacological immunosuppression necessitates comprehensive "
        "haematological monitoring. Anticoagulation considerations predominate. "
        "Contraindications necessitate individualised evaluation."
    )
    easy = "Wash your hands. Rest at home. Drink water. See a doctor if it gets worse."
    assert "plain-smog" in codes(hard, "en")
    assert "plain-smog" not in codes(easy, "en")
    lenient = WordingConfig.from_mapping({"smog_limit": 30})
    assert "plain-smog" not in codes(hard, "en", config=lenient)
    assert "plain-smog" not in codes(hard, "zh")  # SMOG is an English measure


def test_unexplained_terms_in_summaries_are_warned() -> None:
    assert "plain-unexplained-term" in codes("确诊异位妊娠后需要尽快治疗。", "zh", field="summary")
    assert "plain-unexplained-term" not in codes(
        "确诊异位妊娠（宫外孕）后需要尽快治疗。", "zh", field="summary"
    )
    assert "plain-unexplained-term" not in codes("结膜炎是眼白表面的炎症。", "zh", field="summary")
    assert "plain-unexplained-term" not in codes("确诊异位妊娠后需要尽快治疗。", "zh", field="body")
    assert "plain-unexplained-term" in codes(
        "Antibiotic prophylaxis is advised.", "en", field="summary"
    )
    assert "plain-unexplained-term" not in codes(
        "Antibiotic prophylaxis (medicine to prevent infection) is advised.", "en", field="summary"
    )


def test_wording_config_from_mapping() -> None:
    config = WordingConfig.from_mapping(
        {
            "max_sentence_chars_zh": 80,
            "smog_limit": 12,
            "terms": {"宫腔镜": ["用细镜子看子宫"], "prophylaxis": None},
            "disabled": ["plain-smog"],
            "unknown": 1,
            "max_sentence_words_en": "many",
        }
    )
    assert config.max_sentence_chars_zh == 80 and config.smog_limit == 12.0
    assert config.max_sentence_words_en == WordingConfig().max_sentence_words_en
    assert "宫腔镜" in config.terms and "prophylaxis" not in config.terms
    assert "异位妊娠" in config.terms
    assert config.disabled == ("plain-smog",)
    assert WordingConfig.from_mapping(None) == WordingConfig()
    assert WordingConfig.from_mapping({"replace_terms": True, "terms": {"x": "y"}}).terms == {
        "x": ("y",)
    }


def test_disabled_rules_are_skipped() -> None:
    config = WordingConfig.from_mapping({"disabled": ["zh-guarantee-cure"]})
    assert "zh-guarantee-cure" not in codes("保证治愈。", "zh", config=config)


# --------------------------------------------------------------------------- rule folders


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_kb_rules_folder_adds_and_overrides_rules(tmp_path: Path) -> None:
    write(
        tmp_path / "rules" / "kb-miracle.yaml",
        """\
        id: kb-miracle
        category: guarantee
        level: warning
        languages: [zh, en]
        patterns: ['神药|wonder pill']
        unless:
          before: ['@negation']
        message: calls a medicine a miracle; describe what it does instead.
        examples: {flag: [这是神药。], pass: [世上没有神药。]}
        """,
    )
    write(
        tmp_path / "rules" / "zh-guarantee-cure.yaml",
        """\
        id: zh-guarantee-cure
        category: guarantee
        level: suggestion
        languages: [zh]
        patterns: ['包好']
        message: a local version of the rule; say what usually happens instead.
        """,
    )
    write(
        tmp_path / "rules" / "_contexts.yaml",
        """\
        negation:
          zh: ['世上没有$']
        """,
    )
    rules, problems = load_rules([tmp_path / "rules"])
    assert problems == []
    by_id = {r.id: r for r in rules}
    assert by_id["kb-miracle"].level == "warning"
    assert by_id["zh-guarantee-cure"].level == "suggestion"  # the KB's file replaced the built-in
    assert len(rules) == len(RULES) + 1
    assert "kb-miracle" in {f.rule_id for f in lint_text("这是神药。", "zh", rules)}
    assert "kb-miracle" not in {f.rule_id for f in lint_text("世上没有神药。", "zh", rules)}
    assert "zh-guarantee-cure" not in {f.rule_id for f in lint_text("保证治愈", "zh", rules)}


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (
            "id: bad\ncategory: fear\nlevel: error\nlanguages: [en]\npatterns: ['(unclosed']\nmessage: x\n",
            5,
            "not a valid regular expression",
        ),
        (
            "id: bad\ncategory: fear\nlevel: loud\nlanguages: [en]\npatterns: [x]\nmessage: x\n",
            3,
            "'level'",
        ),
        ("id: bad\ncategory: fear\nlevel: error\nlanguages: [en]\npatterns: [x]\n", 1, "'message'"),
        (
            "id: bad\ncategory: fear\nlevel: error\nlanguages: [en]\npatterns: [x]\nmessage: x\nunles: {}\n",
            7,
            "unknown key 'unles'",
        ),
        (
            (
                "id: bad\ncategory: fear\nlevel: error\nlanguages: [en]\npatterns: [x]\nmessage: x\n"
                "unless:\n  before: ['@nope']\n"
            ),
            8,
            "unknown context set '@nope'",
        ),
        (
            "id: bad\ncategory: fear\nlevel: error\nlanguages: [fr]\npatterns: [x]\nmessage: x\n",
            4,
            "'fr'",
        ),
        ("id: bad\n  category: : fear\n", 2, "YAML syntax error"),
        ("- just\n- a list\n", 1, "must be a set of"),
    ],
)
def test_a_broken_rule_file_is_a_problem_not_an_exception(
    tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = tmp_path / "rules" / "bad.yaml"
    path.parent.mkdir()
    path.write_text(content, encoding="utf-8")
    rules, problems = load_rules([path.parent])
    assert len(rules) == len(RULES)  # the others still load
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == "rule-file" and problem.severity == "error"
    assert problem.file.endswith("bad.yaml")
    assert problem.line == line
    assert words in problem.message


def test_duplicate_ids_in_one_folder_and_undecodable_files(tmp_path: Path) -> None:
    rule = "id: same\ncategory: fear\nlevel: error\nlanguages: [en]\npatterns: [x]\nmessage: x\n"
    write(tmp_path / "rules" / "a.yaml", rule)
    write(tmp_path / "rules" / "b.yaml", rule)
    (tmp_path / "rules" / "c.yaml").write_bytes("id: 坏".encode("gbk"))
    _, problems = load_rules([tmp_path / "rules"])
    messages = sorted(p.message for p in problems)
    assert len(problems) == 2
    assert any("also used by a.yaml" in m for m in messages)
    assert any("not UTF-8" in m for m in messages)


# --------------------------------------------------------------------------- entries


ENTRY = """\
id: pelvic-pain
type: condition
lang: zh
title: 盆腔炎
aliases: [保证治愈的偏方]
summary: >-
  盆腔炎（盆腔里的器官发炎）需要规范治疗。
  我院治愈率高达98%。
body: |
  ## 常见表现
  - 下腹痛
  - 白带增多

  本院专家团队清一色主任医师{comma}保证治愈。
red_flags:
  - when: 高烧不退
    urgency: emergency
    action: 立即拨打120{comma}迟早会终身不孕。
staff_notes: 可以说保证治愈
"""


def make_entry(tmp_path: Path, text: str) -> Entry:
    path = tmp_path / "kb" / "conditions" / "pelvic-pain.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(comma=COMMA), encoding="utf-8")
    entry, problems = load_entry(path, folder="conditions", shown="kb/conditions/pelvic-pain.yaml")
    assert problems == [] and entry is not None
    return entry


def test_lint_entry_points_at_lines_inside_the_body_block(tmp_path: Path) -> None:
    entry = make_entry(tmp_path, ENTRY)
    problems = lint_entry(entry, RULES)
    where = {(p.code, p.line, p.column) for p in problems}
    assert ("zh-cure-rate", 8, 5) in where  # second line of the folded summary
    assert ("zh-superlative-experts", 14, 9) in where  # fifth line of the `body: |` block
    assert ("zh-guarantee-cure", 14, 17) in where
    assert ("zh-fear-certain-harm", 18, 21) in where  # red_flags[0].action
    for problem in problems:
        assert problem.file == "kb/conditions/pelvic-pain.yaml"
        assert problem.entry == "pelvic-pain"
    guarantee = next(p for p in problems if p.code == "zh-guarantee-cure")
    assert guarantee.severity == "error"
    assert guarantee.message.startswith('"保证治愈": promises a cure')
    assert (
        len({p.line for p in problems if p.code == "zh-guarantee-cure"}) == 1
    )  # not aliases/staff notes


def test_wording_exceptions_suppress_with_a_reason(tmp_path: Path) -> None:
    text = ENTRY + textwrap.dedent("""\
        wording_exceptions:
          - rule: zh-cure-rate
            reason: 数据来自省卫健委公布的统计，审核医生已核实。
          - rule: zh-superlative-experts
          - rule: no-such-rule
            reason: typo
          - rule: plain-long-sentence
            reason: ok
        """)
    entry = make_entry(tmp_path, text)
    problems = lint_entry(entry, RULES)
    found = {p.code for p in problems}
    assert "zh-cure-rate" not in found  # suppressed with a reason
    assert "zh-superlative-experts" in found  # no reason: not suppressed...
    reason = next(p for p in problems if p.code == "wording-exception-reason")
    assert reason.severity == "error" and "zh-superlative-experts" in reason.message
    assert reason.line == 23  # ...and reported where the item is
    unknown = next(p for p in problems if p.code == "wording-exception-unknown")
    assert unknown.severity == "warning" and unknown.line == 24
    assert entry_exceptions(entry) == [
        ("zh-cure-rate", "数据来自省卫健委公布的统计，审核医生已核实。"),
        ("zh-superlative-experts", ""),
        ("no-such-rule", "typo"),
        ("plain-long-sentence", "ok"),
    ]
    assert "plain-long-sentence" in PLAIN_RULE_IDS


def test_entries_without_exceptions_or_with_odd_fields(tmp_path: Path) -> None:
    entry = make_entry(tmp_path, ENTRY)
    assert entry_exceptions(entry) == []
    entry.data["red_flags"] = ["not a mapping", {"when": None}]
    entry.data["wording_exceptions"] = "not a list"
    assert all(p.code != "wording-exception-reason" for p in lint_entry(entry, RULES))


def test_english_entry_and_config(tmp_path: Path) -> None:
    path = tmp_path / "kb" / "faq" / "book.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        yaml.safe_dump(
            {
                "id": "book",
                "type": "faq",
                "lang": "en",
                "title": "Booking",
                "question": "Can you guarantee a cure?",
                "summary": "We treat conjunctivitis.",
                "body": "Call us now on 0800 123 4567.\n",
            }
        ),
        encoding="utf-8",
    )
    entry, _ = load_entry(path)
    assert entry is not None
    codes_found = {p.code for p in lint_entry(entry, RULES)}
    assert {"en-contact-channel", "plain-unexplained-term"} <= codes_found
    assert "contact-phone" not in codes_found  # a service FAQ may give the hospital's number
    assert "en-guarantee-cure" not in codes_found  # the patient's question is not a claim
    quiet = WordingConfig.from_mapping({"term_fields": []})
    assert "plain-unexplained-term" not in {p.code for p in lint_entry(entry, RULES, quiet)}


# --------------------------------------------------------------------------- speed-ups change nothing


def _reference(text: str, lang: str) -> list[tuple[str, int, int]]:
    """Findings computed the slow way: every pattern, every sentence, no prefilter."""
    masked, sentences = mask_markdown(text), split_sentences(text)
    found = []
    for rule in RULES:
        if not rule.applies(lang, "body"):
            continue
        last = -1
        for start, end in sorted(
            set(rule.find(text, masked, sentences, lang)), key=lambda span: (span[0], -span[1])
        ):
            if start >= last:
                found.append((rule, start, end))
                last = end
    specific = [(r, s, e) for r, s, e in found if not r.generic]
    kept = specific + [
        (r, s, e)
        for r, s, e in found
        if r.generic
        and not any(k.category == r.category and ks < e and s < ke for k, ks, ke in specific)
    ]
    return sorted((r.id, s, e) for r, s, e in kept)


EXAMPLES = [t for r in RULES for t in (*r.flag_examples, *r.pass_examples)]
FILLERS = [
    "",
    " ",
    "\n",
    "\n\n",
    "## ",
    "- ",
    "，",
    ", ",
    "。",
    ". ",
    "我院",
    "our ",
    "not ",
    "如果",
    "120",
    "**",
    "[x](https://a.example/book) ",
]


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(FILLERS), st.sampled_from(EXAMPLES)), min_size=1, max_size=4
    ),
    st.sampled_from(["zh", "en"]),
)
def test_prefilter_never_changes_findings(parts: list[tuple[str, str]], lang: str) -> None:
    text = "".join(filler + example for filler, example in parts)
    got = sorted(
        (f.rule_id, f.start, f.end)
        for f in lint_text(text, lang, RULES)
        if f.category != "plain" and not f.rule_id.startswith("model-")
    )
    assert got == _reference(text, lang)


@pytest.mark.parametrize(
    ("pattern", "must_contain"),
    [
        (r"\b(?:best|most\s+advanced|top)\b\s+x", "best"),
        (r"(?:保证|包)(?:您)?治愈", "治愈"),
        (r"[\u4e00-\u9fff]{2,8}(?:路|街)\d+号", "号"),
    ],
)
def test_required_literals_are_really_required(pattern: str, must_contain: str) -> None:
    literals = required_literals(pattern)
    assert literals is not None
    assert any(must_contain in literal.replace("\x00", "") for literal in literals)


def test_an_over_long_run_is_read_in_pieces_cut_at_clause_marks_or_spaces() -> None:
    from kbtool.lint.text import MAX_SENTENCE

    chinese = "宝宝" + "万" * 2000 + "。短句。"
    spans = split_sentences(chinese).spans
    assert all(end - start <= MAX_SENTENCE for start, end in spans)
    assert "".join(chinese[s:e] for s, e in spans) == chinese  # nothing skipped
    english = "word " * 400 + "end."
    pieces = [english[s:e] for s, e in split_sentences(english).spans]
    assert all(p.startswith("word") and p[-1] in "d." for p in pieces)  # never inside a word
    clauses = ("这是一个很长的分句" * 10 + "，") * 10
    assert all(clauses[e - 1] == "，" for _, e in split_sentences(clauses).spans[:-1])
