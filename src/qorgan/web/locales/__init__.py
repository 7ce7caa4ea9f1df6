"""The console's catalogs, one module per language: ``LABELS`` (every label a page shows)
and ``REASONS`` (reason codes' meanings; English falls back to the detectors' own tables)."""
