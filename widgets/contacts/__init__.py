"""contacts widgets."""
