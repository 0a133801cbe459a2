"""Claim reasoning in the wording check: word sets, frames, shared excuses, entry types, the
one-finding-per-claim rule and the statistical model's findings."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kbtool.lint import WordingConfig, classifier, lint_text, load_rules
from kbtool.lint.classifier import Model, from_mapping, load_model

RULES, PROBLEMS = load_rules()


def categories(text: str, lang: str, **kwargs: object) -> set[str]:
    return {
        f.category
        for f in lint_text(text, lang, RULES, **kwargs)  # type: ignore[arg-type]
        if f.category != "plain-language"
    }


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------ families the issue names
@pytest.mark.parametrize(
    "text, lang, category",
    [
        ("做完效果都很理想。", "zh", "guarantee"),  # praise of results, no trigger word
        ("结果准确，这点您放心。", "zh", "guarantee"),  # reassurance
        ("以后基本上不会再犯。", "zh", "guarantee"),  # hint of a cure
        ("这项技术全市独一家。", "zh", "superlative"),  # rank outside a closed list
        ("同行里没人能做到。", "zh", "superlative"),
        ("难道要等到不能生育了才来吗？", "zh", "fear"),  # pressure as a question
        ("拖下去只会越来越麻烦。", "zh", "fear"),
        ("享受政府特殊津贴的专家为您诊治。", "zh", "superlative"),  # authority by credentials
        ("本院是某某协会指定医院。", "zh", "testimonial"),
        ("别的医院只会开消炎药。", "zh", "disparage"),
        ("我们统计过，九成患者一次就好。", "zh", "cure-rate"),
        ("80%的男性都有前列腺炎。", "zh", "statistic"),
        ("好多患者治好后都给我们送了锦旗。", "zh", "testimonial"),
        ("身体要紧，花点钱不算什么。", "zh", "money-pressure"),
        ("Our results are always excellent.", "en", "guarantee"),
        ("No other clinic can match our results.", "en", "superlative"),
        ("Other clinics just prescribe painkillers and send you home.", "en", "disparage"),
        ("80% of men have prostate problems by 50.", "en", "statistic"),
        ("You can't put a price on your health.", "en", "money-pressure"),
        ("Do you really want to wait until it's too late?", "en", "fear"),
        ("Our patients often send thank-you cards after treatment.", "en", "testimonial"),
    ],
)
def test_claims_without_trigger_words_are_caught(text: str, lang: str, category: str) -> None:
    assert category in categories(text, lang)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("有人保证包治不孕，这种说法不要相信。", "zh"),  # a promise the sentence warns against
        ("部分切除后仍可能复发，而全切后不会复发。", "zh"),  # a true comparison of options
        (
            "预约挂号请拨打本院预约电话0571-87654321，或关注医院官方公众号。",
            "zh",
        ),  # service information
        ("您的个人信息我们会严格保密，请放心。", "zh"),  # reassurance about privacy
        ("这种病能彻底治好吗？", "zh"),  # the patient's own question
        ("Be wary of any clinic that guarantees a cure.", "en"),
        ("Notices are posted on the hospital's official WeChat account.", "en"),
        ("According to the NHS, about 1 in 7 couples have difficulty conceiving.", "en"),
        ("Nobody can guarantee that IVF will work.", "en"),
    ],
)
def test_accurate_text_that_looks_like_a_claim_passes(text: str, lang: str) -> None:
    assert categories(text, lang) == set()


def test_running_others_down_is_caught_even_as_a_warning() -> None:
    # "别信…" usually excuses a claim (the sentence refutes it), but not when it is the claim
    assert "disparage" in categories("别信那些连锁诊所的低价，后面全是坑。", "zh")
    assert "guarantee" not in categories("别信那些包治的广告。", "zh")


# ------------------------------------------------------------------ the mechanisms
def test_frames_match_in_any_order_within_one_clause(tmp_path: Path) -> None:
    write(
        tmp_path / "rules" / "kb-frame.yaml",
        """\
        id: kb-frame
        category: guarantee
        level: error
        languages: [zh]
        frames:
          - ['{kb-subject}', '灵验']
        message: says a remedy always works (《广告法》§16); describe what it does instead.
        """,
    )
    write(
        tmp_path / "rules" / "_lexicon.yaml",
        """\
        kb-subject:
          zh: ['偏方', '秘方']
        """,
    )
    rules, problems = load_rules([tmp_path / "rules"])
    assert problems == []

    def found(text: str) -> list[str]:
        return [f.phrase for f in lint_text(text, "zh", rules) if f.rule_id == "kb-frame"]

    assert found("这个偏方很灵验。") == ["偏方很灵验"]
    assert found("很灵验的秘方。") == ["灵验的秘方"]  # either order
    assert found("这个偏方，很灵验。") == []  # not across clauses
    assert found("这个方子很灵验。") == []  # the KB's own word set decides


def test_unknown_word_sets_and_bad_frames_are_rule_file_problems(tmp_path: Path) -> None:
    write(
        tmp_path / "rules" / "kb-bad.yaml",
        """\
        id: kb-bad
        category: guarantee
        level: error
        languages: [zh]
        patterns: ['{no-such-set}好']
        message: x (《广告法》§16); y.
        """,
    )
    write(
        tmp_path / "rules" / "kb-bad-frame.yaml",
        """\
        id: kb-bad-frame
        category: guarantee
        level: error
        languages: [zh]
        frames: [['only one part']]
        message: x (《广告法》§16); y.
        """,
    )
    _, problems = load_rules([tmp_path / "rules"])
    by_file = {Path(p.file).name: p for p in problems}
    assert "unknown word set '{no-such-set}'" in by_file["kb-bad.yaml"].message
    assert by_file["kb-bad.yaml"].line == 5
    assert "two or more patterns" in by_file["kb-bad-frame.yaml"].message


def test_a_frames_only_rule_does_not_repeat_a_specific_finding() -> None:
    found = [f for f in lint_text("保证治愈。", "zh", RULES) if f.category == "guarantee"]
    assert [f.rule_id for f in found] == ["zh-guarantee-cure"]
    generic = [f.rule_id for f in lint_text("怀上是肯定的。", "zh", RULES)]
    assert generic == ["zh-claim-certain-outcome"]


def test_contact_details_are_answers_in_a_faq_but_advertising_in_a_condition_page() -> None:
    text = "您也可以拨打 0571-87654321 咨询。"
    assert "contact-phone" not in {
        f.rule_id for f in lint_text(text, "zh", RULES, entry_type="faq")
    }
    assert "contact-phone" in {
        f.rule_id for f in lint_text(text, "zh", RULES, entry_type="condition")
    }
    assert "contact-phone" in {f.rule_id for f in lint_text(text, "zh", RULES)}  # a loose sentence


def test_a_kb_may_not_name_an_unknown_entry_type(tmp_path: Path) -> None:
    write(
        tmp_path / "rules" / "kb-types.yaml",
        """\
        id: kb-types
        category: contact-lure
        level: warning
        languages: [zh]
        types: [leaflet]
        patterns: ['x']
        message: x (《互联网广告管理办法》§9); y.
        """,
    )
    _, problems = load_rules([tmp_path / "rules"])
    assert any("'types' may only hold" in p.message for p in problems)


# ------------------------------------------------------------------ the statistical model
TINY_MODEL = {
    "weights": {"zh": {"guarantee": {"神效": 3.0}}, "en": {}},
    "bias": {"zh": {"guarantee": -1.0}, "en": {}},
    "thresholds": {"zh": {"guarantee": 1.0}, "en": {}},
    "word_sets": {"zh": {}, "en": {}},
}


@pytest.fixture
def tiny_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "classifier.json"
    path.write_text(json.dumps(TINY_MODEL, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(classifier, "MODEL_FILE", path)
    load_model.cache_clear()
    monkeypatch.setattr("kbtool.lint.engine.load_model", lambda: load_model(path))
    yield path
    load_model.cache_clear()


def test_model_findings_are_warnings_that_name_the_category_and_the_law(tiny_model: Path) -> None:
    found = [
        f
        for f in lint_text("这种药酒有神效，喝一个月试试。", "zh", RULES)
        if f.rule_id.startswith("model-")
    ]
    assert len(found) == 1
    finding = found[0]
    assert (finding.rule_id, finding.category, finding.level) == (
        "model-guarantee",
        "guarantee",
        "warning",
    )
    assert finding.phrase == "这种药酒有神效，喝一个月试试。"
    assert "《广告法》§16(1)" in finding.message and "wording exception" in finding.message


def test_model_skips_questions_rule_findings_and_can_be_switched_off(tiny_model: Path) -> None:
    assert not [
        f for f in lint_text("这种药酒有神效吗？", "zh", RULES) if f.rule_id.startswith("model-")
    ]
    both = lint_text("这种药酒有神效，保证治愈。", "zh", RULES)
    assert [f.rule_id for f in both if f.category == "guarantee"] == ["zh-guarantee-cure"]
    off = WordingConfig.from_mapping({"disabled": ["model"]})
    assert not [
        f
        for f in lint_text("这种药酒有神效。", "zh", RULES, config=off)
        if f.rule_id.startswith("model-")
    ]


def test_model_adds_no_second_category_to_a_sentence_a_rule_flagged(tiny_model: Path) -> None:
    """Out of fold, the model's extra category on a sentence a rule flagged was mostly wrong."""
    found = lint_text("这种药酒有神效，今天预约免挂号费。", "zh", RULES)
    assert {f.category for f in found} == {"price-lure"}
    alone = lint_text("这种药酒有神效。今天预约免挂号费。", "zh", RULES)
    assert {f.rule_id for f in alone if f.rule_id.startswith("model-")} == {"model-guarantee"}


def test_a_damaged_model_file_leaves_the_rules_running(tmp_path: Path) -> None:
    for content in ("{not json", json.dumps({"weights": 3}), json.dumps([1, 2])):
        path = tmp_path / "classifier.json"
        path.write_text(content, encoding="utf-8")
        load_model.cache_clear()
        assert load_model(path) is None
    load_model.cache_clear()
    assert from_mapping({"weights": {}, "bias": {}}) is None


def test_the_shipped_model_loads_and_scores_both_languages() -> None:
    load_model.cache_clear()
    model = load_model()
    assert isinstance(model, Model)
    assert set(model.thresholds) == {"zh", "en"}
    assert model.scores("这个病一定能治好。", "zh")
    assert model.scores("We guarantee results.", "en")


def test_trainer_and_benchmark_share_every_labelled_file_and_never_train_on_held_out_sets(
    tmp_path: Path,
) -> None:
    from kbtool.lint import labelled, train

    assert set(labelled.FILES) == set(labelled.DATA_DIR.glob("wording_*.yaml"))
    batch = tmp_path / "wording_new.yaml"
    batch.write_text(
        "sentences:\n"
        "  - {lang: zh, categories: [], set: new, text: 请按时复诊。}\n"
        "  - {lang: zh, categories: [guarantee], set: new-holdout, text: 保证治好。}\n",
        encoding="utf-8",
    )
    assert [i["text"] for i in train.labelled([batch])] == ["请按时复诊。"]


def test_trainer_reads_every_wording_checked_field_of_a_kb_as_accurate_text(
    tmp_path: Path,
) -> None:
    from kbtool.lint import train

    (tmp_path / "aftercare").mkdir()
    (tmp_path / "aftercare" / "wound.yaml").write_text(
        "id: wound\ntype: aftercare\nlang: zh\ntitle: 伤口护理\nsummary: 保持伤口干燥。\n"
        "body: 每天换药。\nstaff_notes: 内部备注。\naliases: [换药]\n"
        "red_flags:\n  - when: 伤口流脓\n    urgency: urgent\n    action: 当天复诊。\n"
        "    ask: 伤口有没有流脓？\n"
        "callback:\n  days: [3]\n  remind: [记得按时换药。]\n  notes: 先核对身份。\n",
        encoding="utf-8",
    )
    texts = {i["text"] for i in train.kb_sentences([tmp_path])}
    assert {"伤口有没有流脓？", "记得按时换药。", "保持伤口干燥。"} <= texts
    assert not texts & {"内部备注。", "换药", "先核对身份。"}


@pytest.mark.parametrize(
    "text, lang",
    [
        ("做完以后效果都很理想，我们这里的专家都是教授，80%的人一次就好！", "zh"),
        ("HPV疫苗在社区卫生服务中心可以预约，费用约600元。", "zh"),
        ("Our award-winning team gets 9 in 10 patients pain-free; don't wait, book today!", "en"),
        ("Most people feel better within a week. It's usually safe to drive after 24 hours.", "en"),
    ],
)
def test_the_fast_feature_scan_finds_exactly_the_weighted_features(text: str, lang: str) -> None:
    load_model.cache_clear()
    model = load_model()
    assert model is not None
    slow = classifier.features(text, lang, model.word_sets[lang])
    tables = model._table(lang)
    expected = {f for f in slow if f in tables.table}
    tables.scored = 0  # the first sentences: n-grams intersected with the weighted ones
    assert model.feature_set(text, lang) == expected
    tables.scored = classifier.WARM_UP  # later ones: one scan of the full automaton
    assert model.feature_set(text, lang) == expected


def test_the_pattern_cache_changes_no_finding_and_survives_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up speed: compiled-pattern facts are remembered in the user's cache folder; a cold
    cache, a warm cache and a damaged cache give the same findings."""
    from kbtool.lint import load as rule_loading
    from kbtool.lint import pattern_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    texts = [
        ("做完效果都很理想，我们的专家都是教授。", "zh"),
        ("Rest assured, we are the only clinic in the city.", "en"),
    ]

    def fresh_findings() -> list[list[tuple[str, int, int]]]:
        rule_loading._cache.clear()
        pattern_cache._state.update(entries=None, dirty=False, stamp=None)
        rules, problems = load_rules()
        assert problems == []
        return [
            [(f.rule_id, f.start, f.end) for f in lint_text(t, lang, rules)] for t, lang in texts
        ]

    cold = fresh_findings()
    assert pattern_cache.cache_file().is_file()
    assert fresh_findings() == cold  # warm
    pattern_cache.cache_file().write_text("{damaged", encoding="utf-8")
    assert fresh_findings() == cold  # damaged: rebuilt
    pattern_cache.cache_file().write_text(
        json.dumps({"stamp": "other", "patterns": {}}), encoding="utf-8"
    )
    assert fresh_findings() == cold  # another version's cache: ignored
    rule_loading._cache.clear()
    pattern_cache._state.update(entries=None, dirty=False, stamp=None)


def test_a_claim_inside_a_question_sentence_is_still_a_claim() -> None:
    """A callback question may carry a claim in its first clause; the asking clause excuses
    only itself."""
    assert "guarantee" in categories("恢复得好吗？我们的手术保证治愈，有没有发热？", "zh")
    assert "guarantee" in categories("Our surgery always cures it, but have you had a fever?", "en")
    assert categories("这种病能彻底治好吗？", "zh") == set()
    assert categories("Will it definitely be cured?", "en") == set()


def test_an_unwritable_pattern_cache_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk or a cache folder that cannot be created (here: a file in its place) must not
    stop the check: the cache is skipped and the findings are the same."""
    from kbtool.lint import load as rule_loading
    from kbtool.lint import pattern_cache

    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    rule_loading._cache.clear()
    pattern_cache._state.update(entries=None, dirty=False, stamp=None)
    rules, problems = load_rules()
    assert problems == []
    assert not pattern_cache.cache_file().exists()
    assert "guarantee" in {f.category for f in lint_text("保证治愈。", "zh", rules)}
    rule_loading._cache.clear()
    pattern_cache._state.update(entries=None, dirty=False, stamp=None)


def test_the_wording_benchmark_stops_quietly_when_its_reader_does(tmp_path: Path) -> None:
    """`python benchmarks/wording_precision.py | head` ends without a BrokenPipeError."""
    import subprocess
    import sys

    data = tmp_path / "wording_tiny.yaml"
    data.write_text("sentences:\n  - {lang: zh, categories: [], text: 请按时复诊。}\n", "utf-8")
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "wording_precision.py"
    with subprocess.Popen(
        [sys.executable, "-u", str(script), "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `head` does
        errors = proc.stderr.read().decode()
    assert proc.returncode == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors
