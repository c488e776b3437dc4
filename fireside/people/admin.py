from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fireside.people.models import ApiToken, User


@admin.register(User)
class FiresideUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "kind", "role", "email_verified",
                    "is_claimed", "date_joined")
    list_filter = ("kind", "role", "email_verified", "is_claimed", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Fireside", {"fields": (
        "display_name", "kind", "role", "title", "bio", "avatar", "interests", "expertise",
        "links", "email_verified", "is_claimed", "notify_by_email", "external_source",
        "external_id")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("token_hash",)
