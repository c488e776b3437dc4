"""Thread views are buffered in the server process and written together."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fireside.community.models import Thread
from fireside.measure.middleware import flush_views, record_view
from fireside.measure.models import PageViewDay
from fireside.testing import make_space, make_thread, make_user

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_views_wait_in_the_process_until_the_interval_passes_then_land_together(
        settings: Any) -> None:
    settings.FIRESIDE_VIEW_FLUSH_SECONDS = 3600
    flush_views()
    author = make_user()
    busy, quiet = make_thread(make_space(), author), make_thread(make_space(), author)
    for _ in range(3):
        Client(HTTP_USER_AGENT=BROWSER).get(f"/t/{busy.pk}")
    record_view(quiet.pk)  # without its space: looked up when written

    assert Thread.objects.get(pk=busy.pk).view_count == 0
    assert flush_views() == 4
    assert Thread.objects.get(pk=busy.pk).view_count == 3
    assert Thread.objects.get(pk=quiet.pk).view_count == 1
    assert sorted(PageViewDay.objects.values_list("views", flat=True)) == [1, 3]

    Client(HTTP_USER_AGENT=BROWSER).get(f"/t/{busy.pk}")
    assert flush_views() == 1
    assert PageViewDay.objects.get(space_id=busy.space_id).views == 4  # added, not replaced
    assert flush_views() == 0


def test_a_view_of_a_thread_deleted_before_the_write_is_dropped(settings: Any) -> None:
    settings.FIRESIDE_VIEW_FLUSH_SECONDS = 3600
    flush_views()
    thread = make_thread(make_space(), make_user())
    record_view(thread.pk)
    Thread.objects.filter(pk=thread.pk).delete()
    assert flush_views() == 0
    assert not PageViewDay.objects.exists()
