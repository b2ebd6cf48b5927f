"""Tutor plugin of perf-mgmt for Open edX."""

__version__ = "0.1.0"
