"""Ingest: parsers per format, normaliser, sanitiser, collectors. Never imports Textual."""
