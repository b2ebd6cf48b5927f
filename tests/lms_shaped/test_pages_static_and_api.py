"""
Pages, static files and the API schema and docs under settings shaped like the LMS's (``lms_host/lms_shaped_settings``):
templates found by the LMS's loaders, every static file a page names collected by ``collectstatic`` under a manifest
storage, and the schema and docs served with the LMS's ``REST_FRAMEWORK`` and no ``SPECTACULAR_SETTINGS``.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import URLPattern, reverse
from django.utils.html import escapejs

from perf_mgmt_plugin.web import urls as web_urls

STATIC_URL_RE = re.compile(r"""(?:src|href)=["'](/static/[^"'?#]+)""")


def manifest():
    path = Path(settings.STATIC_ROOT) / "staticfiles.json"
    assert path.exists(), f"run collectstatic first: no manifest at {path}"
    return json.loads(path.read_text())["paths"]


def assert_static_urls_collected(html):
    """Every /static/ URL in ``html`` is a hashed name from the manifest, and the file is in STATIC_ROOT."""
    hashed = set(manifest().values())
    urls = STATIC_URL_RE.findall(html)
    for url in urls:
        name = url.removeprefix(settings.STATIC_URL)
        assert name in hashed, f"{url} is not a collected (hashed) static file"
        assert (Path(settings.STATIC_ROOT) / name).is_file(), url
    return urls


def test_the_settings_are_shaped_like_the_lms():
    assert "DEFAULT_SCHEMA_CLASS" not in settings.REST_FRAMEWORK
    assert settings.TEMPLATES[0]["APP_DIRS"] is False
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    assert not settings.DEBUG
    # Not listed by the settings: added by the plugin's own plugin_settings, as they would be in the LMS.
    assert {"drf_spectacular", "drf_spectacular_sidecar"} <= set(settings.INSTALLED_APPS)


def test_every_page_without_arguments_renders_with_collected_static_files(org, client):
    names = [p.name for p in web_urls.urlpatterns if isinstance(p, URLPattern) and not p.pattern.converters]
    names = [name for name in names if name and not name.endswith("csv")]
    rendered, statics = [], set()
    for user in (org.hr, org.manager.user, org.alice.user):
        client.force_login(user)
        for name in names:
            response = client.get(reverse(f"perf_mgmt:{name}"))
            assert response.status_code in (200, 302, 403, 404, 405), (user, name, response.status_code)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                rendered.append(name)
                statics.update(assert_static_urls_collected(response.content.decode()))
    assert {"home", "people", "org-chart", "org-import", "my-team"} <= set(rendered)
    assert any("perf_mgmt/perf_mgmt." in url for url in statics), statics


def test_the_import_job_page_names_its_collected_script(org, client):
    from perf_mgmt_plugin.org.models import ImportJob

    job = ImportJob.objects.create(kind="employees", user=org.hr, status="running", dry_run=False, origin="page")
    client.force_login(org.hr)
    response = client.get(reverse("perf_mgmt:org-import-job", args=[job.pk]))
    assert response.status_code == 200
    assert any("import_progress." in url for url in assert_static_urls_collected(response.content.decode()))


def test_the_schema_is_served_with_the_lms_rest_framework_settings(org, client):
    client.force_login(org.hr)
    response = client.get(reverse("perf_mgmt:api-schema"))  # the LMS allows no ?format=: YAML, the default
    assert response.status_code == 200, response.content[:500]
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "perf-mgmt for Open edX API"
    assert reverse("perf_mgmt:api-v1:people") in schema["paths"]
    assert "PerfMgmtOrgUnitKindEnum" in schema["components"]["schemas"]


def test_the_docs_page_renders_from_the_sidecar_static_files(org, client):
    client.force_login(org.hr)
    response = client.get(reverse("perf_mgmt:api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = assert_static_urls_collected(html)
    assert any("swagger-ui-bundle" in url for url in urls), urls
    assert "cdn.jsdelivr" not in html
    assert escapejs(reverse("perf_mgmt:api-schema")) in html  # the template writes it with escapejs


@pytest.mark.parametrize("page", ["home", "my-team"])
def test_a_missing_static_file_fails_under_the_manifest_storage(page, org, client, settings, tmp_path):
    """The check above can fail: with an empty manifest the LMS-shaped storage refuses to name the files."""
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
    settings.STATIC_ROOT = str(tmp_path)
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    staticfiles_storage._wrapped = empty  # pylint: disable=protected-access  (re-read STATIC_ROOT and its manifest)
    client.raise_request_exception = True
    client.force_login(org.manager.user)
    try:
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            client.get(reverse(f"perf_mgmt:{page}"))
    finally:
        staticfiles_storage._wrapped = empty  # pylint: disable=protected-access
