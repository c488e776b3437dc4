from pathlib import Path

from fireside.signals import analyze_batch
from fireside.signals.cli import main
from fireside.signals.model import load_model


def test_training_on_an_organizations_labelled_messages_writes_a_usable_bundle(tmp_path: Path):
    labelled = tmp_path / "labelled.csv"
    rows = ["text,sentiment,complaint"]
    for i in range(20):
        rows.append(f'"the zorblax widget broke again, order {i}",negative,1')
        rows.append(f'"love my zorblax widget, number {i}",positive,0')
        rows.append(f'"does the zorblax come in size {i}?",,0')
    labelled.write_text("\n".join(rows) + "\n", encoding="utf-8")
    output = tmp_path / "model.npz"
    assert main(["train", "--input", str(labelled), "--output", str(output)]) == 0
    model = load_model(output)
    broke, love = analyze_batch(["my zorblax widget broke", "love the zorblax widget"], model=model)
    assert broke.complaint and broke.sentiment == "negative"
    assert not love.complaint and love.sentiment == "positive"


def test_training_without_any_usable_row_fails_with_a_message(tmp_path: Path, capsys):
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("body,sentiment\nhello,positive\n", encoding="utf-8")
    assert main(["train", "--input", str(labelled), "--output", str(tmp_path / "m.npz")]) == 2
    assert "no labelled texts" in capsys.readouterr().err
