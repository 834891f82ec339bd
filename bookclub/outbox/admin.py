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
    fields = readonly_fields = [
        "key", "to", "subject", "message", "headers", "status", "attempts", "last_error",
        "created_at", "due_at", "sent_at",
    ]  # fmt: skip

    @admin.display(description="body")
    def message(self, email: OutboundEmail) -> str:
        # A confirmation or password-reset link is the member's key to their account.
        if email.key.startswith("account:"):
            return "(hidden: an account email holds a sign-in link)"
        return email.body

    @admin.display(description="last error")
    def short_error(self, email: OutboundEmail) -> str:
        return truncatechars(email.last_error, 80)

    @admin.action(description="Send the selected failed emails again", permissions=["change"])
    def retry(self, request, queryset):
        count = emails_retry(emails=queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        return False
