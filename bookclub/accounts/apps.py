from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "bookclub.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        # The signed-in member is loaded from the cache (accounts/backends.py): any save or
        # delete of a member retires their cached row.
        from django.contrib.auth.models import Group, Permission

        from bookclub.accounts.backends import permissions_changed, user_row_changed

        model = self.get_model("User")
        post_save.connect(user_row_changed, sender=model, dispatch_uid="accounts-user-saved")
        post_delete.connect(user_row_changed, sender=model, dispatch_uid="accounts-user-deleted")
        # Cached permission sets (accounts/backends.py) follow every change of who may what.
        for through in (
            model.user_permissions.through,
            model.groups.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"p-{through}")
        for gone in (Group, Permission):
            post_delete.connect(permissions_changed, sender=gone, dispatch_uid=f"p-{gone}")
        # The Sites row says what SITE_URL says, after every migrate (accounts/sites.py).
        from bookclub.accounts.sites import site_sync_after_migrate

        post_migrate.connect(site_sync_after_migrate, sender=self, dispatch_uid="accounts-site")
