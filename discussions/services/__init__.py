"""Write operations for discussions, one module per feature."""

from discussions.services.imported import imported_activity_save

__all__ = ["imported_activity_save"]
