"""perf-mgmt for Open edX: performance management and strategy execution inside the LMS."""

__version__ = "0.1.0"
