from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def catalog_changed(**_signal_arguments) -> None:
    from bookclub.cache import bump

    bump("catalog")


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Any write to a catalog row, from the importer, the admin or a shell, retires
        # every cached catalog fragment (bookclub/cache.py).
        for model in self.get_models():
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"cache-{model}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"cache-d-{model}")
        m2m_changed.connect(catalog_changed, dispatch_uid="catalog-cache-m2m")
