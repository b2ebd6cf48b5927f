"""The commands (``python manage.py <name>``)."""
