from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

# What other members see of a member on cached fragments (comment cards, lists of who is
# going); a login only saves last_login and retires nothing.
PUBLIC_FIELDS = {"username", "display_name", "bio", "is_active", "is_staff"}


def member_changed(sender, instance, update_fields=None, **_signal_arguments) -> None:
    from bookclub.cache import bump

    if update_fields is None or PUBLIC_FIELDS & set(update_fields):
        bump("people")


class AccountsConfig(AppConfig):
    name = "bookclub.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        model = self.get_model("User")
        post_save.connect(member_changed, sender=model, dispatch_uid="accounts-user-saved")
        post_delete.connect(member_changed, sender=model, dispatch_uid="accounts-user-deleted")
        # The Sites row says what SITE_URL says, after every migrate (accounts/sites.py).
        from bookclub.accounts.sites import site_sync_after_migrate

        post_migrate.connect(site_sync_after_migrate, sender=self, dispatch_uid="accounts-site")
