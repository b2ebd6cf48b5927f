"""Errors of the appraisals domain, each with a message fit to show to the person who caused it."""


class AppraisalError(ValueError):
    """
    A template, cycle, launch or review change that cannot be made. Raised before anything is written (callers run
    inside ``transaction.atomic``), so the message can be shown as is and the request retried.
    """
