from django.contrib import admin

from fireside.care.models import (
    Alert,
    BusinessCalendar,
    Conversation,
    EscalationHook,
    Incident,
    Note,
    RotaShift,
    SavedReply,
    SlaPolicy,
    Team,
)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("subject", "channel", "status", "priority", "owner", "sla_due_at")
    list_filter = ("status", "priority", "channel")
    search_fields = ("subject",)
    raw_id_fields = ("person", "owner", "incident", "viewing_agent")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "state", "proposed_at", "acknowledged_at", "followed_up_at")
    list_filter = ("state",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "priority", "first_response_minutes",
                    "next_response_minutes", "resolution_minutes", "calendar")


@admin.register(RotaShift)
class RotaShiftAdmin(admin.ModelAdmin):
    list_display = ("agent", "weekday", "start_hour", "end_hour", "time_zone")


admin.site.register([Team, BusinessCalendar, Note, SavedReply, Alert, EscalationHook])
