"""
The shipped catalogues: compiled ``.mo`` files current with their ``.po`` sources, where the platform reads them
(``XBlockI18nService``: ``<top-level package>/translations/<locale>/LC_MESSAGES/text.mo``; the pages: the plugin's
``conf/locale`` on ``LOCALE_PATHS``, also when the LMS derives that setting late), and French complete for the blocks.
"""

import gettext
import importlib.util
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from perf_mgmt_plugin.settings.common import LOCALE_DIR, plugin_settings
from xblocks.checkin.block import CheckInXBlock
from xblocks.self_assessment.block import SelfAssessmentXBlock

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("compile_translations", ROOT / "scripts" / "compile_translations.py")
compile_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compile_translations)


def test_every_compiled_catalogue_is_current():
    assert list(compile_translations.catalogues()), "no catalogue found"
    assert compile_translations.stale() == [], "run: make compile_translations"


def test_the_compiler_writes_what_gettext_reads(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Save"\nmsgstr "Enregistrer"\n\n'
        'msgid ""\n"A long "\n"one"\nmsgstr ""\n"Une longue "\n"phrase"\n\n'
        '#, fuzzy\nmsgid "Unsure"\nmsgstr "Incertain"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        'msgid "%(n)s person"\nmsgid_plural "%(n)s people"\nmsgstr[0] "%(n)s personne"\nmsgstr[1] "%(n)s personnes"\n',
        encoding="utf-8",
    )
    mo = tmp_path / "x.mo"
    mo.write_bytes(compile_translations.mo_bytes(compile_translations.read_po(po)))
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("Save") == "Enregistrer"
    assert catalog.gettext("A long one") == "Une longue phrase"
    assert catalog.gettext("Unsure") == "Unsure"  # fuzzy entries are left out, as msgfmt does
    assert catalog.gettext("Untranslated") == "Untranslated"
    assert catalog.ngettext("%(n)s person", "%(n)s people", 2) == "%(n)s personnes"
    if shutil.which("msgfmt"):  # the same catalogue as GNU gettext's compiler, where it is installed
        reference = tmp_path / "ref.mo"
        subprocess.run(["msgfmt", "-o", str(reference), str(po)], check=True)
        with reference.open("rb") as handle:
            expected = gettext.GNUTranslations(handle)._catalog  # pylint: disable=protected-access
        assert catalog._catalog == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("block_class", [CheckInXBlock, SelfAssessmentXBlock])
def test_the_blocks_catalogue_is_where_the_platform_looks(block_class):
    """As ``XBlockI18nService.get_python_locale``: the top-level module of the block's class, ``translations``."""
    package = block_class.__module__.split(".")[0]
    folder = resources.files(package) / "translations"
    french = gettext.translation("text", str(folder), ["fr"])
    assert french.gettext("Saved.") == "Enregistré."


def test_french_translates_every_string_of_the_blocks():
    folder = ROOT / "xblocks" / "translations"
    english = compile_translations.read_po(folder / "en" / "LC_MESSAGES" / "text.po", untranslated=True)
    french = compile_translations.read_po(folder / "fr" / "LC_MESSAGES" / "text.po")
    assert len(english) > 100
    assert sorted(set(english) - set(french)) == []


def test_plugin_settings_put_the_pages_catalogue_on_locale_paths():
    listed = SimpleNamespace(LOCALE_PATHS=["/platform/conf/locale"])
    plugin_settings(listed)
    plugin_settings(listed)  # idempotent
    assert listed.LOCALE_PATHS == ["/platform/conf/locale", LOCALE_DIR]
    assert (Path(LOCALE_DIR) / "fr" / "LC_MESSAGES" / "django.mo").exists()

    # The LMS's LOCALE_PATHS is a derived setting (a function of the final settings) when plugin settings run.
    derived = SimpleNamespace(REPO_ROOT="/edx-platform")
    derived.LOCALE_PATHS = lambda settings: [settings.REPO_ROOT + "/conf/locale"]
    plugin_settings(derived)
    assert callable(derived.LOCALE_PATHS)
    assert derived.LOCALE_PATHS(derived) == ["/edx-platform/conf/locale", LOCALE_DIR]
