from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "bookclub.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        # The signed-in member is loaded from the cache (accounts/backends.py): any save or
        # delete of a member retires their cached row.
        from bookclub.accounts.backends import user_row_changed

        model = self.get_model("User")
        post_save.connect(user_row_changed, sender=model, dispatch_uid="accounts-user-saved")
        post_delete.connect(user_row_changed, sender=model, dispatch_uid="accounts-user-deleted")
