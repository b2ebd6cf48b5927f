#!/usr/bin/env python3
"""
Compile the gettext catalogues of the plugin and its XBlocks (``.po`` -> ``.mo``), in pure Python.

Where the platform reads them:

* ``xblocks/translations/<locale>/LC_MESSAGES/text.mo``: the XBlocks' catalogue, where openedx-platform's
  ``XBlockI18nService`` looks for a block's bundled translations (``<top-level package>/translations``, domain
  ``text``);
* ``perf_mgmt_plugin/conf/locale/<locale>/LC_MESSAGES/django.mo``: the pages' catalogue, which the plugin's settings
  add to ``LOCALE_PATHS``.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine may not have; this needs nothing
but Python. Untranslated and fuzzy entries are left out, as ``msgfmt`` does. ``--check`` compiles nothing and exits
with 1 when a ``.mo`` is missing or differs from its ``.po`` (``tests/test_translations.py`` runs the same check).

Usage: ``python scripts/compile_translations.py [--check]`` (``make compile_translations``).
"""

import argparse
import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_DIRS = (ROOT / "xblocks" / "translations", ROOT / "perf_mgmt_plugin" / "conf" / "locale")
MO_MAGIC = 0x950412DE


def _unquote(line):
    return ast.literal_eval(line) if line.startswith('"') else ""


def read_po(path, untranslated=False):
    """
    ``{msgid: msgstr}`` of a ``.po`` file (plural entries as ``"id\\0plural": "form0\\0form1..."``); entries
    without a translation only with ``untranslated=True``.
    """
    catalog = {}
    entry, field, fuzzy = {}, None, False

    def flush():
        if "msgid" in entry and not fuzzy:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\0" + entry["msgid_plural"]
                forms = [entry[name] for name in sorted(k for k in entry if k.startswith("msgstr["))]
                value = "\0".join(forms) if all(forms) else ""
            else:
                value = entry.get("msgstr", "")
            if value or untranslated:
                catalog[key] = value

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith('"') and field is not None:
            entry[field] += _unquote(line)
            continue
        if not line or line.startswith("#"):
            if field is not None and ("msgstr" in entry or any(k.startswith("msgstr[") for k in entry)):
                flush()
                entry, field, fuzzy = {}, None, False
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in entry:  # an entry directly after another one
            flush()
            entry, fuzzy = {}, False
        field = keyword
        entry[field] = _unquote(rest)
    return catalog


def mo_bytes(catalog):
    """The GNU ``.mo`` encoding of ``catalog`` (keys sorted, no hash table), as ``msgfmt`` writes it."""
    keys = sorted(catalog)
    ids = [key.encode("utf-8") for key in keys]
    strs = [catalog[key].encode("utf-8") for key in keys]
    count = len(keys)
    ids_start = 7 * 4 + 16 * count
    offsets, data = [], b""
    for blob in ids:
        offsets.append((len(blob), ids_start + len(data)))
        data += blob + b"\0"
    str_offsets = []
    for blob in strs:
        str_offsets.append((len(blob), ids_start + len(data)))
        data += blob + b"\0"
    header = struct.pack("<7I", MO_MAGIC, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in offsets + str_offsets)
    return header + tables + data


def catalogues():
    """Every ``.po`` file the plugin ships, with the ``.mo`` compiled next to it."""
    for folder in CATALOGUE_DIRS:
        for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
            yield po, po.with_suffix(".mo")


def stale():
    """The ``.mo`` files that are missing or do not hold what their ``.po`` says."""
    return [mo for po, mo in catalogues() if not mo.exists() or mo.read_bytes() != mo_bytes(read_po(po))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that every .mo matches its .po")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for mo in out_of_date:
            print(f"out of date: {mo.relative_to(ROOT)} (run make compile_translations)", file=sys.stderr)
        return 1 if out_of_date else 0
    for po, mo in catalogues():
        mo.write_bytes(mo_bytes(read_po(po)))
        print(f"compiled {mo.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
