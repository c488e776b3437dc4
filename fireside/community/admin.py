from django.contrib import admin

from fireside.community.models import Flag, ModerationAction, Space, Thread


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "visibility", "thread_count", "post_count", "position")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members", "moderators")
    readonly_fields = ("thread_count", "post_count", "last_activity_at")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "kind", "author", "reply_count", "created_at")
    list_filter = ("space", "kind", "is_locked", "is_hidden", "is_deleted")
    search_fields = ("title",)
    raw_id_fields = ("author", "accepted_post")
    readonly_fields = ("reply_count",)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("post", "reporter", "reason", "created_at", "resolved_at")
    raw_id_fields = ("post", "reporter", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("action", "actor", "thread", "post", "reason", "created_at")
    raw_id_fields = ("actor", "thread", "post")
