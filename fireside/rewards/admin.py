from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fireside.rewards.models import Badge, BadgeAward, PointRule, PointsEntry, ThankYou


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    """The organization's point values per event kind."""

    list_display = ("kind", "points", "is_active", "description")
    list_editable = ("points", "is_active")


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: viewable here, never changed."""

    list_display = ("user", "points", "kind", "reason", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("user", "awarded_by", "space")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "rule", "threshold")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    list_display = ("badge", "user", "awarded_by", "created_at")
    raw_id_fields = ("user", "awarded_by")


@admin.register(ThankYou)
class ThankYouAdmin(admin.ModelAdmin):
    list_display = ("sender", "recipient", "created_at")
    raw_id_fields = ("sender", "recipient", "post")
