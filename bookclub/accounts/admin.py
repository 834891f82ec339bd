from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from bookclub.accounts.models import ReservedUsername, User


@admin.register(User)
class MemberAdmin(UserAdmin):
    list_display = ["username", "email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "is_superuser", "groups"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio", "time_zone", "email_notifications"]}),
    ]


@admin.register(ReservedUsername)
class ReservedUsernameAdmin(admin.ModelAdmin):
    """Usernames of deleted accounts; deleting a row lets someone sign up under it again."""

    list_display = ["username", "reserved_at"]
    search_fields = ["username"]
    readonly_fields = ["reserved_at"]
