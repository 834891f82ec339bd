from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Cache invalidation only: any write to a catalog row, from the importer,
        # the admin or a shell, must retire cached book pages.
        from catalog.cache import catalog_changed

        for model in self.get_models():
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"cache-{model}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"cache-d-{model}")
        m2m_changed.connect(catalog_changed, dispatch_uid="catalog-cache-m2m")
