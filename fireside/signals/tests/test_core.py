import numpy as np

from fireside.signals import INTENTS, SENTIMENT_LABELS, Signals, analyze, analyze_batch

MESSAGES = [
    "@acme my order was supposed to arrive last week and it's still not here",
    "@acme do you ship to canada?",
    "@acme thank you so much, the new update is great!",
    "@acme it would be nice to have a dark mode",
    "@acme I've been on hold for an hour, worst service ever",
    "just landed in chicago",
]


def assert_valid(signals: Signals) -> None:
    assert signals.sentiment in SENTIMENT_LABELS
    assert -1.0 <= signals.sentiment_score <= 1.0
    assert signals.intent in INTENTS
    assert 0.0 <= signals.complaint_probability <= 1.0
    assert signals.complaint == (signals.complaint_probability >= 0.5)
    assert isinstance(signals.language, str) and signals.language
    for finding in signals.guideline_findings:
        assert 0 <= finding.start <= finding.end


def test_empty_huge_binary_emoji_only_and_foreign_texts_all_get_valid_answers():
    inputs: list[object] = [
        "",
        "   ",
        None,
        "x" * 100_000,
        "my card 4111111111111111 " + "a " * 60_000,
        b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00\x00binary",
        "\x00\x01\x02\ud800 broken surrogate",
        "😡😡😡",
        "👍",
        "Mi pedido no ha llegado y nadie responde",
        "Ваш сервис ужасен",
        "注文した商品が届きません",
        "!!!???",
    ]
    results = analyze_batch(inputs)
    assert len(results) == len(inputs)
    for signals in results:
        assert_valid(signals)
    assert results[0].language == "und"
    assert results[7].language == "und"


def test_a_long_text_still_has_personal_data_found_past_the_model_window():
    text = "hello " * 20_000 + "reach me at jane@example.com"
    assert "email" in analyze(text).guideline_flags


def test_batch_results_equal_single_results():
    batch = analyze_batch(MESSAGES)
    singles = [analyze(m) for m in MESSAGES]
    for one, other in zip(batch, singles, strict=True):
        assert one.to_dict() == other.to_dict()


def test_obvious_complaints_are_flagged_and_routine_questions_are_not():
    late, question, thanks, _, on_hold, _ = analyze_batch(MESSAGES)
    assert late.complaint and on_hold.complaint
    assert not question.complaint and not thanks.complaint
    assert on_hold.sentiment == "negative"
    assert thanks.sentiment == "positive"


def test_intents_are_told_apart_on_plain_examples():
    late, question, thanks, suggestion, _, _ = analyze_batch(MESSAGES)
    assert late.intent == "complaint"
    assert question.intent == "question"
    assert thanks.intent == "praise"
    assert suggestion.intent == "suggestion"


def test_negation_turns_praise_into_blame():
    assert analyze("the support was good").sentiment_score > 0
    assert analyze("the support was not good").sentiment_score < 0


def test_english_and_other_languages_are_identified():
    english, spanish, german = analyze_batch(
        [
            "my package never arrived and nobody answers",
            "mi pedido no ha llegado y nadie responde a mis correos",
            "meine Bestellung ist immer noch nicht angekommen",
        ]
    )
    assert (english.language, spanish.language, german.language) == ("en", "es", "de")


def test_to_dict_holds_every_output_field_as_plain_values():
    row = analyze("email me at a@b.example").to_dict()
    assert set(row) >= {
        "sentiment",
        "sentiment_score",
        "intent",
        "complaint",
        "complaint_probability",
        "language",
        "guideline_flags",
        "guideline_findings",
    }
    assert row["guideline_flags"] == ["email"]
    assert isinstance(row["complaint"], bool)
    assert np.isfinite(float(row["sentiment_score"]))  # type: ignore[arg-type]
