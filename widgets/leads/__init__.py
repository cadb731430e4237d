"""leads widgets."""
