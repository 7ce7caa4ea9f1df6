"""Typer groups of the ``qorgan`` command, one module per group (``cli.py`` mounts them)."""
