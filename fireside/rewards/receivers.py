"""Signal receivers: a credit granted after its idea shipped earns its points too."""

from __future__ import annotations

from typing import Any

from fireside.ideas.models import Credit


def on_credit_saved(sender: type[Credit], instance: Credit, **kwargs: Any) -> None:
    # Shipping grants and awards the credits it finds with queryset updates, which send no
    # signal; a credit saved already granted was named after the idea shipped.
    if instance.granted_at is None or kwargs.get("raw"):
        return
    from fireside.rewards.actions import do_award_late_credit

    do_award_late_credit(instance.pk)
