"""
The main pages rendered in French (the browser's Accept-Language, through Django's LocaleMiddleware as in the LMS):
the words come from perf_mgmt_plugin/conf/locale/fr, the sentences around values are whole (``blocktranslate``: the
translator moves the value), and dates follow the language's short format instead of a fixed ``Y-m-d``.
"""

import pytest
from django.urls import reverse
from django.utils import formats, translation

from perf_mgmt_plugin.appraisals.models import Review

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")


def _page(client, user, name, language, **kwargs):
    client.force_login(user)
    response = client.get(reverse(f"perf_mgmt:{name}", kwargs=kwargs), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, name
    return response.content.decode()


def _short(date, language):
    with translation.override(language):
        return formats.date_format(date, "SHORT_DATE_FORMAT")


def test_the_shell_navigation_and_title_are_french(client, org):
    page = _page(client, org.alice.user, "my-reviews", "fr")
    assert '<html lang="fr">' in page
    assert "<title>Mes évaluations · Performance</title>" in page
    assert "Ma performance" in page  # the navigation
    english = _page(client, org.alice.user, "my-reviews", "en")
    assert "<title>My reviews · Performance</title>" in english and "Ma performance" not in english


def test_the_review_page_translates_whole_sentences_and_dates(client, org, cycle):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    french = _page(client, org.alice.user, "appraisal-review", "fr", pk=review.pk)
    english = _page(client, org.alice.user, "appraisal-review", "en", pk=review.pk)
    due = cycle.self_review_due
    assert _short(due, "fr") != _short(due, "en")  # d/m/Y against m/d/Y: the test tells them apart
    assert f"auto-évaluation {_short(due, 'fr')}" in french
    assert f"self review {_short(due, 'en')}" in english
    assert "Échéances" in french and "Deadlines" in english
    assert due.isoformat() not in french and due.isoformat() not in english  # no hard-coded Y-m-d on the page


def test_the_cycle_page_for_hr_is_french(client, org, cycle):
    french = _page(client, org.hr, "appraisal-cycle", "fr", pk=cycle.pk)
    assert f"signature {_short(cycle.sign_off_due, 'fr')}" in french
    assert "Campagnes d’évaluation" in french
