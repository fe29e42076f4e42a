"""Rendering: validated content -> bytes (HTML pages, the search index, PDF parts and sheets). Nothing here writes the site."""
