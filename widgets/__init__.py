"""Textual widgets and screens, grouped by feature. Talks to the store, never to SQL."""
