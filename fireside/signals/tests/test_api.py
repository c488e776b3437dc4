from ninja.testing import TestClient

from fireside.signals.api import router

client = TestClient(router)


def test_analyze_returns_signals_for_every_text_in_order():
    response = client.post(
        "/analyze",
        json={"texts": ["my refund still hasn't arrived", "do you ship to canada?", ""]},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    assert results[0]["complaint"] == 1 and results[0]["intent"] == "complaint"
    assert results[1]["intent"] == "question"
    assert set(results[2]) >= {
        "sentiment",
        "sentiment_score",
        "intent",
        "complaint",
        "complaint_probability",
        "language",
        "guideline_flags",
    }


def test_confidential_terms_in_the_request_are_reported_with_spans():
    response = client.post(
        "/analyze", json={"texts": ["Falcon launches soon"], "confidential_terms": ["falcon"]}
    )
    [result] = response.json()["results"]
    assert result["guideline_flags"] == ["confidential"]
    assert result["guideline_findings"][0] == {
        "kind": "confidential",
        "start": 0,
        "end": 6,
        "text": "Falcon",
    }


def test_more_than_a_thousand_texts_are_refused_with_a_detail():
    response = client.post("/analyze", json={"texts": ["hi"] * 1001})
    assert response.status_code == 422
    assert "detail" in response.json()


def test_a_body_without_texts_is_refused():
    response = client.post("/analyze", json={"text": "hi"})
    assert response.status_code == 422
