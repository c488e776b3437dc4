"""Fixtures for the listening tests: channels made through the real actions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage
from fireside.listening.models import Channel

_seq = itertools.count(1)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday


def raw(text: str = "My grinder arrived broken, please help", *, author: str = "ana",
        external_id: str | None = None, minutes: float = 0, **kwargs: object) -> RawMessage:
    return RawMessage(external_id=external_id or f"m{next(_seq)}", author=author, text=text,
                      created_at=T0 + timedelta(minutes=minutes), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def channel() -> Channel:
    return do_create_channel("Support feed", "import")
