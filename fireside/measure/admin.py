from django.contrib import admin

from fireside.measure.models import Goal, MeasureSettings, PlaceEntry, RoiEntry, TrainingRecord


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("name", "metric", "target", "period", "space", "is_active")
    list_filter = ("metric", "period", "is_active")


@admin.register(RoiEntry)
class RoiEntryAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "title", "amount")
    raw_id_fields = ("idea", "created_by")


@admin.register(PlaceEntry)
class PlaceEntryAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "monthly_volume", "sentiment", "priority")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "hours", "day")
    raw_id_fields = ("user",)


admin.site.register(MeasureSettings)
