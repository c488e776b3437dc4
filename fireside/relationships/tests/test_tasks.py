"""Staff tasks: completing one records what was done, and the member sees it."""

from __future__ import annotations

import pytest

from fireside.relationships import actions, standing
from fireside.relationships.models import StaffTask, TaskOutcome, TaskStatus
from fireside.relationships.testing import COMPLAINT, PRAISE, hear, person_of
from fireside.rewards.actions import total_points
from fireside.rewards.models import ThankYou

pytestmark = pytest.mark.django_db


def test_completing_a_thank_task_gives_a_public_thank_you_and_points(member, manager, client):
    hear(PRAISE, handle="mia", member=member)
    standing.recompute()
    task = StaffTask.objects.get(person=person_of("mia"))

    actions.check_complete(manager, task, thank_you="Thank you for spreading the word!",
                           points=20, note="also sent a mug")

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by == manager
    assert task.owner == manager
    outcome = TaskOutcome.objects.get(task=task)
    assert outcome.thank_you is not None and outcome.points_entry is not None
    assert outcome.points_entry.points == 20
    assert total_points(member.pk) == 20
    page = client.get(f"/people/{member.username}").content.decode()
    assert "Thank you for spreading the word!" in page
    assert ">20<" in page
    with pytest.raises(Exception, match="closed already"):
        actions.check_complete(manager, task, note="again")


def test_completing_a_help_task_with_a_reply_answers_in_their_conversation(manager):
    hear([COMPLAINT], handle="bo")
    standing.recompute()
    task = StaffTask.objects.get(person=person_of("bo"))
    actions.check_complete(manager, task, reply="So sorry! A new one is on its way.")
    conv = person_of("bo").conversations.get()
    assert conv.messages.filter(direction="out", text__startswith="So sorry").exists()
    assert TaskOutcome.objects.get(task=task).reply.startswith("So sorry")


def test_a_task_needs_something_done_and_thanks_need_a_member(manager):
    hear([COMPLAINT], handle="cy")
    standing.recompute()
    task = StaffTask.objects.get(person=person_of("cy"))
    with pytest.raises(Exception, match="Say what you did"):
        actions.check_complete(manager, task)
    with pytest.raises(Exception, match="go to members"):
        actions.check_complete(manager, task, thank_you="thanks")
    assert not ThankYou.objects.exists()


def test_staff_take_and_dismiss_tasks_from_the_pages(manager, client):
    hear([COMPLAINT], handle="di")
    standing.recompute()
    task = StaffTask.objects.get(person=person_of("di"))
    client.force_login(manager)
    assert "Help this detractor" in client.get("/staff/tasks").content.decode()
    client.post(f"/staff/tasks/{task.pk}", {"verb": "take"})
    task.refresh_from_db()
    assert task.owner == manager
    assert "di" in client.get("/staff/tasks?owner=me").content.decode()
    client.post(f"/staff/tasks/{task.pk}", {"verb": "dismiss", "note": "spam account"})
    task.refresh_from_db()
    assert task.status == TaskStatus.DISMISSED
