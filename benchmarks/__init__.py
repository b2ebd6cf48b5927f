"""Scale data generators and benchmark scripts (not shipped with the plugin; see benchmarks/README.md)."""
