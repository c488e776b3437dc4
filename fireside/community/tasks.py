"""Background entry points for the community: ids in, work done by reloading them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from fireside.community.events import post_created
from fireside.community.models import Notification, Post
from fireside.people.organization import organization_name

logger = logging.getLogger(__name__)


@task()
def after_post(post_id: int) -> int:
    """Everything a new post sets going, as one task so that posting writes one task row,
    not four: its signals, the e-mails of its notifications, then `post_created` for the
    other apps. Returns the e-mails sent."""
    analyze_posts.call([post_id])
    notification_ids = list(Notification.objects.filter(post_id=post_id, emailed_at__isnull=True)
                            .values_list("id", flat=True))
    sent = email_notifications.call(notification_ids) if notification_ids else 0
    for receiver, outcome in post_created.send_robust(sender=Post, post_id=post_id):
        if isinstance(outcome, Exception):
            logger.error("After post %s, %s failed", post_id, receiver, exc_info=outcome)
    return sent


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail each notification to its recipient once; returns how many went out."""
    notifications = (
        Notification.objects.filter(id__in=notification_ids, emailed_at__isnull=True,
                                    recipient__notify_by_email=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient", "actor", "thread", "post")
    )
    messages = []
    sent_ids = []
    for n in notifications:
        context = {"n": n, "site_url": settings.SITE_URL, "organization": organization_name()}
        subject = render_to_string("community/email/notification_subject.txt", context).strip()
        body = render_to_string("community/email/notification.txt", context)
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email]))
        sent_ids.append(n.pk)
    if messages:
        send_mass_mail(messages, fail_silently=False)
        Notification.objects.filter(id__in=sent_ids).update(emailed_at=timezone.now())
    return len(messages)


@task()
def analyze_posts(post_ids: list[int]) -> int:
    """Read and store the signals of new or edited posts (the worker keeps the model warm)."""
    from fireside.community.signals_store import store_post_signals

    return store_post_signals(post_ids)
