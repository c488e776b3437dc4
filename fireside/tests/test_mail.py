"""The demo's mail backend keeps every message whole and prints a short, readable summary."""

from __future__ import annotations

import email
import io
from pathlib import Path

from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from fireside.mail import MAX_LINES, FileAndSummaryBackend


def test_a_message_is_kept_whole_on_disk_and_its_text_printed(tmp_path: Path) -> None:
    out = io.StringIO()
    with override_settings(DATA_DIR=tmp_path):
        backend = FileAndSummaryBackend(stream=out)
        message = EmailMultiAlternatives(
            "Confirm your address", "Open http://x/verify/abc to confirm.",
            to=["ana@example.com"])
        message.attach_alternative("<p>Open <a href='http://x/verify/abc'>this</a></p>",
                                   "text/html")
        message.attach("chart.png", b"\x89PNG" + b"\0" * 5000, "image/png")
        assert backend.send_messages([message]) == 1
    printed = out.getvalue()
    assert "e-mail to ana@example.com: Confirm your address" in printed
    assert "http://x/verify/abc" in printed
    assert "<p>" not in printed and "iVBOR" not in printed  # no HTML, no base64 image
    [saved] = list((tmp_path / "mail").glob("*.eml"))
    assert str(saved) in printed
    parsed = email.message_from_bytes(saved.read_bytes())
    assert parsed["To"] == "ana@example.com"
    types = [part.get_content_type() for part in parsed.walk()]
    assert "text/html" in types and "image/png" in types


def test_a_long_text_is_cut_on_the_terminal_but_not_on_disk(tmp_path: Path) -> None:
    out = io.StringIO()
    lines = [f"line {n}" for n in range(MAX_LINES + 12)]
    with override_settings(DATA_DIR=tmp_path):
        FileAndSummaryBackend(stream=out).send_messages([
            EmailMultiAlternatives("Weekly report", "\n".join(lines), to=["staff@example.com"])])
    printed = out.getvalue()
    assert f"line {MAX_LINES - 1}" in printed and f"line {MAX_LINES}\n" not in printed
    assert "[... 12 more lines]" in printed
    [saved] = list((tmp_path / "mail").glob("*.eml"))
    assert f"line {MAX_LINES + 11}" in saved.read_text()


def test_a_message_with_no_recipient_is_not_sent(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        assert FileAndSummaryBackend(stream=io.StringIO()).send_messages(
            [EmailMultiAlternatives("Nobody", "x", to=[])]) == 0
    assert not (tmp_path / "mail").exists() or not list((tmp_path / "mail").iterdir())
