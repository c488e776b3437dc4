"""Factories for ideas tests, benchmarks and the demo: data made by the real actions."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from fireside.community.models import Space
from fireside.ideas import actions
from fireside.ideas.models import Campaign, CampaignForm, Idea
from fireside.people.models import User
from fireside.testing import make_space, make_user

_seq = itertools.count(1)


def make_campaign(space: Space | None = None, creator: User | None = None, *,
                  title: str | None = None, form: str = CampaignForm.IDEAS,
                  days: float = 14, options: Iterable[str] = (), **kwargs: object) -> Campaign:
    creator = creator or make_user(f"host{next(_seq)}", role="community_manager",
                                   kind="employee")
    return actions.do_create_campaign(
        creator, space or make_space(), title=title or f"Campaign {next(_seq)}",
        closes_at=timezone.now() + timedelta(days=days), form=form, options=options,
        **kwargs)  # type: ignore[arg-type]


def make_idea(campaign: Campaign, author: User | None = None, *, title: str | None = None,
              description: str = "", tags: Iterable[str] = ()) -> Idea:
    return actions.do_submit_idea(author or make_user(), campaign,
                                  title=title or f"Idea {next(_seq)}", description=description,
                                  tags=tags)
