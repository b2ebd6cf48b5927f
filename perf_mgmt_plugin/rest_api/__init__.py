"""The REST API of perf-mgmt (OEP-49 layout: one package per version)."""
