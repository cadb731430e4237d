"""The supplies panel: tallies per category, funds per currency, requests and deliveries."""
