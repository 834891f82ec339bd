"""Discussion views, one module per feature."""
