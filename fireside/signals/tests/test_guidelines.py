from fireside.signals import GuidelineConfig, analyze
from fireside.signals.guidelines import luhn_valid, personal_data


def kinds(text: str, config: GuidelineConfig | None = None) -> list[str]:
    return [f.kind for f in analyze(text, config or GuidelineConfig()).guideline_findings]


def test_a_luhn_valid_card_number_is_found_with_its_span():
    text = "my card 4111 1111 1111 1111 was charged twice"
    findings = [f for f in analyze(text).guideline_findings if f.kind == "payment_card"]
    assert len(findings) == 1
    assert text[findings[0].start : findings[0].end] == "4111 1111 1111 1111"


def test_a_card_number_failing_the_luhn_check_is_not_reported_as_a_card():
    assert "payment_card" not in kinds("my card 4111 1111 1111 1112 was charged twice")


def test_luhn_check_accepts_known_test_numbers_and_rejects_altered_ones():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("5500005555555559")
    assert not luhn_valid("5500005555555558")


def test_an_email_address_is_found_with_its_exact_span():
    text = "write to jane.doe+shop@example.co.uk please"
    [finding] = personal_data(text)
    assert (finding.kind, finding.text) == ("email", "jane.doe+shop@example.co.uk")
    assert text[finding.start : finding.end] == finding.text


def test_phone_numbers_in_common_formats_are_found():
    assert "phone" in kinds("call me at +1 (415) 555-0132 tonight")
    assert "phone" in kinds("mein Handy: 0151 2345 6789")
    assert "phone" in kinds("ring 020 7946 0958")


def test_version_numbers_dates_and_order_ids_are_not_phone_numbers():
    assert "phone" not in kinds("Spotify 1.0.65.320.gac7a8e02 on macOS 10.12.6")
    assert "phone" not in kinds("since 2017-10-31 nothing works")
    assert "phone" not in kinds("iOS 11.0.3 and app 8.4.22.515")


def test_a_street_address_is_found():
    assert "street_address" in kinds("deliver it to 221B Baker Street, London")
    assert "street_address" in kinds("ich wohne in der Hauptstraße 12")
    assert "street_address" not in kinds("I waited 3 hours on the street")


def test_offensive_words_are_found_with_spans_and_ordinary_words_are_not():
    text = "this is fucking ridiculous"
    findings = [f for f in analyze(text).guideline_findings if f.kind == "offensive"]
    assert [f.text for f in findings] == ["fucking"]
    assert "offensive" not in kinds("thank you for the quick help")
    assert "offensive" not in kinds("the class assignment was hard")


def test_confidential_terms_configured_by_the_organization_are_found_case_insensitively():
    config = GuidelineConfig(confidential_terms=("Project Falcon", "Q3 roadmap"))
    findings = analyze(
        "leaked: project falcon ships before the q3 ROADMAP", config
    ).guideline_findings
    assert [(f.kind, f.text) for f in findings] == [
        ("confidential", "project falcon"),
        ("confidential", "q3 ROADMAP"),
    ]
    assert "confidential" not in kinds("project falconry is a hobby", config)
