"""Daily reports and exports. Never imports Textual."""
