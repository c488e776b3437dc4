"""Background entry points for care: ids in, actions called."""

from __future__ import annotations

import urllib.request

from django_tasks import task

from fireside.care import actions, incidents
from fireside.care.models import EscalationHook


@task()
def sla_sweep() -> list[int]:
    """Warn before breaches and escalate at them; the scheduler runs it every 15 s."""
    return list(actions.do_sweep_clocks())


@task()
def detect_incidents() -> int:
    return len(incidents.do_detect_incidents())


@task()
def rota_check() -> int:
    from fireside.care.rota import do_alert_uncovered

    return do_alert_uncovered()


@task()
def deliver_reply(message_id: int) -> bool:
    """Post a reply through its channel's connector (where one can post)."""
    from fireside.listening.connectors import deliver

    return deliver(message_id)


@task()
def call_escalation_hook(hook_id: int, payload: dict[str, object]) -> int:
    hook = EscalationHook.objects.filter(pk=hook_id, is_active=True).first()
    if hook is None:
        return 0
    if not hook.url.startswith(("https://", "http://")):
        return 0
    body = actions.payload_bytes(payload)
    headers = {"Content-Type": "application/json",
               "X-Fireside-Signature": actions.sign(hook.secret, body)}
    # The scheme is checked above: only http(s), never file: or custom schemes.
    request = urllib.request.Request(hook.url, data=body, method="POST",  # noqa: S310
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)
