"""lexom-site: the LEXOM training catalogue generator."""

__version__ = "0.1.0"
