"""Ingest: parsers per format, normaliser, sanitiser, collectors. Never imports Textual.

The parsing API lives in ``dutyboard.ingest.parse`` (``parse_file``, ``parse_bytes``,
``detect_format``) and ``dutyboard.ingest.records`` (``ParseResult``, ``ParsedRow``,
``RowProblem``, ``UnreadableFile``); nothing is imported here so that importing a
sibling module (the collector) does not pay for calamine's child process and vobject.
"""
