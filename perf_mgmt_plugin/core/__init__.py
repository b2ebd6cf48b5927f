"""Shared building blocks used by every domain: retirement registry, HTML sanitising, materialized paths."""
