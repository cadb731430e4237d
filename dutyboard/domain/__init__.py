"""Plain domain types, status machines and time logic. Never imports Textual."""
