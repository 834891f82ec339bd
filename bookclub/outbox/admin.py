from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars

from bookclub.outbox.models import OutboundEmail
from bookclub.outbox.services import emails_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Failed deliveries with their last error; staff send them again from here."""

    list_display = ["subject", "to", "status", "attempts", "short_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    @admin.display(description="last error")
    def short_error(self, email: OutboundEmail) -> str:
        return truncatechars(email.last_error, 80)

    @admin.action(description="Send the selected failed emails again")
    def retry(self, request, queryset):
        count = emails_retry(emails=queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False
