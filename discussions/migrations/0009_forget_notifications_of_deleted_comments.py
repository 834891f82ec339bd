"""Notifications of comments already deleted read "[deleted] mentioned you": remove them,
as comment_delete() now does when it leaves a tombstone."""

from django.db import migrations


def forget(apps, schema_editor):
    Notification = apps.get_model("discussions", "Notification")
    Notification.objects.filter(comment__deleted_at__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [("discussions", "0008_notification_headline")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
