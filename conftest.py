"""Test set-up shared by every app: a fresh media folder and a live e-mail outbox."""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    return [f"database: {settings.DATABASES['default']['ENGINE']} "
            f"({os.environ.get('DATABASE_URL', 'sqlite default')})"]


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined,operator]
