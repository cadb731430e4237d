"""The quarantine view: failed imports, to retry, fix or discard."""
