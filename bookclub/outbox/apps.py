from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "bookclub.outbox"
    label = "outbox"
    verbose_name = "Outgoing email"
    default_auto_field = "django.db.models.BigAutoField"
