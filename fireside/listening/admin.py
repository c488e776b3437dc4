from django.contrib import admin

from fireside.listening.models import Channel, ChannelAccount, Identity, ImportRun, Message


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active", "open_rule", "next_poll_at", "failures")
    list_filter = ("kind", "is_active")
    # The secret is a credential: never shown back in a form.
    exclude = ("secret",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "direction", "author_handle", "created_at", "sentiment",
                    "intent")
    list_filter = ("channel", "direction", "sentiment", "intent")
    search_fields = ("text", "author_handle", "external_id")
    raw_id_fields = ("person", "identity", "account", "agent", "conversation")


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("handle", "channel", "person")
    raw_id_fields = ("person",)


admin.site.register([ChannelAccount, ImportRun])
