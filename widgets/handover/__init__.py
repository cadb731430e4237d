"""handover widgets."""
