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
def deliver_reply(message_id: int) -> str:
    """Post a reply through its channel's connector; a failure is recorded on the message
    and retried by `retry_replies`. Returns the delivery state it left."""
    from fireside.care.delivery import do_deliver

    return do_deliver(message_id)


@task()
def retry_replies() -> int:
    """Try again the replies whose delivery failed and whose backoff is over (and any left
    pending or claimed by a lost worker); the scheduler runs it every 30 s."""
    from fireside.care.delivery import do_retry_due

    return do_retry_due()


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
