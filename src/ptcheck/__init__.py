"""ptcheck: check a statute against the UN Trafficking in Persons Protocol."""

__version__ = "0.1.0"
