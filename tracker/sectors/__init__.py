"""The catalogue of sectors and cross-sector themes."""
