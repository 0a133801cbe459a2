"""The wording model's shortcuts change no verdict, for any model: skipping sentences that cannot
reach a threshold, and the one-scan feature extraction, against a plain reference scorer."""

from __future__ import annotations

import random

import pytest

from kbtool.lint import classifier, labelled
from kbtool.lint.classifier import Model, load_model

SENTENCES = {
    "zh": [
        "这种药酒有神效，喝一个月试试。",
        "保证三个疗程完全治好，100%无副作用！",
        "术后两周内不要游泳，伤口红肿流脓请及时复诊。",
        "我们医院是全省领先的专科医院，专家亲自接诊。",
        "如有发热、腹痛加重，请立即拨打120。",
        "今天预约免挂号费，名额有限。",
        "复查时间：术后第7天、第30天。",
        "好好好好好好好好",
    ],
    "en": [
        "We guarantee results with no side effects at all.",
        "Keep the wound dry for 48 hours and call us if it bleeds.",
        "Book today: half price for the first 50 callers!",
        "Most people feel better within a week.",
        "Our award-winning team is the best in the country.",
        "Call 999 if you have chest pain.",
    ],
}


def reference(model: Model, text: str, lang: str) -> list[str]:
    """Categories passing their thresholds, scored the plain way: every feature of the reference
    extractor (`classifier.features`) looked up in each category's weights."""
    found = classifier.features(text, lang, model.word_sets.get(lang, {}))
    passed = []
    for category, weights in model.weights.get(lang, {}).items():
        score = model.bias[lang][category] + sum(weights.get(f, 0.0) for f in found)
        if score >= model.thresholds.get(lang, {}).get(category, 1e9):
            passed.append((category, score))
    return sorted(c for c, _ in passed)


def random_model(seed: int, *, always: bool = False) -> Model:
    """A small model with weights of both signs on n-grams and word sets, thresholds near the
    scores those sentences get; `always`: one category passes with no feature at all."""
    rng = random.Random(seed)
    weights: dict[str, dict[str, dict[str, float]]] = {}
    bias: dict[str, dict[str, float]] = {}
    thresholds: dict[str, dict[str, float]] = {}
    word_sets = {
        "zh": {
            "治好": ["promise"],
            "领先": ["rank"],
            "免挂号费": ["offer"],
            "无副作用": ["promise"],
        },
        "en": {"guarantee": ["promise"], "best": ["rank"], "half price": ["offer"]},
    }
    for lang, sentences in SENTENCES.items():
        grams = sorted(set().union(*(classifier.features(s, lang, {}) for s in sentences)))
        grams += ["@promise", "@rank", "@offer"]
        weights[lang], bias[lang], thresholds[lang] = {}, {}, {}
        for category in ("guarantee", "superlative", "price-lure", "fear"):
            chosen = rng.sample(grams, min(len(grams), 40))
            weights[lang][category] = {g: round(rng.uniform(-2.0, 3.0), 3) for g in chosen}
            bias[lang][category] = round(rng.uniform(-3.0, 0.0), 3)
            thresholds[lang][category] = round(rng.uniform(0.5, 4.0), 3)
        if always:
            thresholds[lang]["fear"] = bias[lang]["fear"] - 1.0
        del thresholds[lang]["price-lure"]  # a category without a threshold never passes
    return Model(weights, bias, thresholds, word_sets)


@pytest.mark.parametrize("seed", range(12))
def test_hand_made_models_give_the_reference_verdicts(seed: int) -> None:
    model = random_model(seed, always=seed % 4 == 0)
    for lang, sentences in SENTENCES.items():
        for text in sentences:  # a one-file check: nothing prepared, every sentence scored
            got = sorted(c for c, _ in model.categories(text, lang))
            assert got == reference(model, text, lang), (seed, lang, text)
        model.prepare(lang)  # a whole KB: sentences that cannot pass are skipped
        for scored in (0, classifier.WARM_UP):  # both ways of extracting features
            model._table(lang).scored = scored
            for text in sentences:
                got = sorted(c for c, _ in model.categories(text, lang))
                assert got == reference(model, text, lang), (seed, lang, text)


def test_a_model_whose_category_passes_without_features_skips_no_sentence() -> None:
    model = random_model(0, always=True)
    model.prepare("zh")
    assert model._table("zh").reach is None
    assert "fear" in {c for c, _ in model.categories("好好好好好好好好", "zh")}


def test_the_shipped_model_gives_the_reference_verdicts_on_the_labelled_sentences() -> None:
    load_model.cache_clear()
    model = load_model()
    assert model is not None
    items = [item for path in labelled.FILES for item in labelled.load(path)]
    rng = random.Random(16)
    chosen = rng.sample(items, min(len(items), 600))
    flagged = 0
    for lang in ("zh", "en"):
        model.prepare(lang)
        assert model._table(lang).reach is not None
    for scored in (0, classifier.WARM_UP):
        for item in chosen:
            model._table(item["lang"]).scored = scored
            got = sorted(c for c, _ in model.categories(item["text"], item["lang"]))
            assert got == reference(model, item["text"], item["lang"]), item["text"]
            flagged += bool(got)
    assert flagged  # the sample holds sentences the model flags, not only skipped ones


def test_a_language_without_categories_flags_nothing_before_and_after_warm_up() -> None:
    model = Model({"zh": {}}, {"zh": {}}, {"zh": {}}, {})
    assert model.categories("保证治好，绝对安全。", "zh") == []
    model.prepare("zh")
    model._table("zh").scored = classifier.WARM_UP + 1
    assert model.categories("保证治好，绝对安全。", "zh") == []
