"""ptcheck: check a statute against an international instrument, item by item (checklists)."""

__version__ = "0.1.0"
