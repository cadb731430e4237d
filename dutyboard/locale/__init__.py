"""Message catalogs: English text → translation. English needs none."""
