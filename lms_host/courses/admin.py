"""Django admin of the host's course content: where a demo or a developer puts XBlocks (OLX) into a course."""

from django.contrib import admin

from .models import CourseBlock


@admin.register(CourseBlock)
class CourseBlockAdmin(admin.ModelAdmin):
    """Edit a course's blocks; an edited OLX is re-parsed the next time the course page is shown."""

    list_display = ("course_id", "order", "display_name", "usage_id")
    list_filter = ("course_id",)
    ordering = ("course_id", "order", "id")
    readonly_fields = ("usage_id", "olx_digest")
