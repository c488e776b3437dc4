from django.contrib import admin

from fireside.relationships.models import PersonChange, StaffTask, Standing, StandingChange


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin):
    """Computed by `relationships.standing`: read here, never edited."""

    list_display = ("person", "standing", "score", "open_complaints", "computed_at")
    list_filter = ("standing",)
    readonly_fields = ("person", "standing", "score", "positive_recent", "negative_recent",
                       "open_complaints", "reason", "computed_at")


@admin.register(StandingChange)
class StandingChangeAdmin(admin.ModelAdmin):
    list_display = ("person", "old", "new", "reason", "created_at")
    raw_id_fields = ("person",)


@admin.register(StaffTask)
class StaffTaskAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "status", "owner", "due_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("person", "owner", "completed_by")


@admin.register(PersonChange)
class PersonChangeAdmin(admin.ModelAdmin):
    list_display = ("kind", "source", "target", "actor", "reason", "created_at")
    raw_id_fields = ("source", "target", "actor", "undone_by")
    readonly_fields = ("moved",)
