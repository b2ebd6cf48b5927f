"""The implementation guide XBlock."""
