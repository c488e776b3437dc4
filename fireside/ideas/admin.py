from django.contrib import admin

from fireside.ideas.models import Campaign, Credit, Idea, StatusChange


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "form", "audience", "opens_at", "closes_at", "closed_at")
    list_filter = ("form", "audience")
    search_fields = ("title",)
    raw_id_fields = ("created_by", "result_thread")


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    """Read-mostly: statuses, merges and votes go through the pages so that everyone who
    took part hears about them."""

    list_display = ("title", "campaign", "status", "vote_count", "author", "created_at")
    list_filter = ("status", "campaign")
    search_fields = ("title",)
    raw_id_fields = ("author", "thread", "merged_into")
    readonly_fields = ("status", "vote_count", "follower_count", "merged_into", "shipped_at")


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ("idea", "person", "role", "granted_at")
    raw_id_fields = ("idea", "person", "named_by")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("idea", "old_status", "new_status", "actor", "created_at")
    raw_id_fields = ("idea", "actor")
