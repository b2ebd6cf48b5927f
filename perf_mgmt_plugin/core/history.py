"""
Abstract bases for django-simple-history's historical models, carrying their OEP-30 PII annotations.

simple_history generates the historical classes; code-annotations reads annotations along the MRO, so each
historical model gets its annotation from the base passed as ``HistoricalRecords(bases=[...])``.
"""

from django.db import models


class NoPiiHistory(models.Model):
    """
    History of a record that holds no personal data.

    .. no_pii:
    """

    class Meta:
        abstract = True
