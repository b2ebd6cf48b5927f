"""
Org chart import: rows from a CSV file or a JSON list -> a validated, diffed plan -> one all-or-nothing bulk write.

Why it is shaped this way:

* Every entry point (the HR page, the REST API, the Celery task, the management command) calls these functions, so
  a file gives the same preview, the same errors and the same result wherever it is uploaded.
* The whole file is checked in memory against a few prefetch queries (never a query per row), so a 50,000-row
  file is checked in seconds and *every* problem is reported at once, with its line number.
* Nothing is written unless the whole file is valid; then everything is written in one transaction with bulk
  statements in batches. django-simple-history's bulk utilities keep the history (the importing user as
  ``history_user``), and reporting paths are recomputed once with ``services.rebuild_paths``.
* Importing the same file twice changes nothing: each row is compared field by field with what is stored, and
  only real differences are written.
* Codes, employee numbers, usernames and emails are told apart as MySQL/MariaDB's collation does (ignoring
  letter case and accents): one that differs from another only in those is reported on its row, on every database.

Kinds and columns (CSV header, or JSON object keys; names are case-insensitive). A column that is absent leaves
the field as it is; a column that is present but blank clears it (except where noted):

``employees`` -- one row per person, matched (upsert) by ``employee_number``, then ``username``, then ``email``:
    ``employee_number`` (required; what ``manager`` refers to), ``username``, ``email`` (used to find the LMS user,
    and to create it with ``create_users``; an existing user's username and email are never changed -- the LMS
    owns them), ``first_name``, ``last_name`` (blank leaves the user's name as it is), ``position`` (a position
    code), ``org_unit`` (an org unit code), ``manager`` (the manager's employee number, in the file or already
    stored; blank = top of the org), ``start_date`` (YYYY-MM-DD), ``active`` (true/false, blank = true).
``org_units`` -- matched by ``code``: ``code`` (required), ``name`` (required for a new unit), ``kind`` (company,
    division, department, team, other; default team), ``parent`` (a unit code, in the file or stored; blank = a
    root), ``active``.
``positions`` -- matched by ``code``: ``code`` (required), ``title`` (required for a new position), ``org_unit``
    (a stored unit code: import units first), ``description``, ``active``.

Line numbers are the file's line numbers for CSV (the header is line 1) and 1-based positions for JSON lists.
"""

import csv
import io
import json
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ..core.bulk import bulk_set
from ..core.paths import MAX_DEPTH, child_path
from ..openedx import get_backend
from .errors import OrgError
from .models import Employee, ImportJob, OrgUnit, Position
from .services import rebuild_paths
from .signals import WATCHED_FIELDS, employees_changed

log = logging.getLogger(__name__)

EMPLOYEES = ImportJob.KIND_EMPLOYEES
ORG_UNITS = ImportJob.KIND_ORG_UNITS
POSITIONS = ImportJob.KIND_POSITIONS
KINDS = (EMPLOYEES, ORG_UNITS, POSITIONS)

COLUMNS = {
    EMPLOYEES: (
        "employee_number",
        "username",
        "email",
        "first_name",
        "last_name",
        "position",
        "org_unit",
        "manager",
        "start_date",
        "active",
    ),
    ORG_UNITS: ("code", "name", "kind", "parent", "active"),
    POSITIONS: ("code", "title", "org_unit", "description", "active"),
}

#: Rows per INSERT/UPDATE statement and per history batch (the database may lower it, e.g. SQLite).
BATCH_SIZE = 1000
#: Values per ``IN (...)`` lookup: below SQLite's historical limit of 999 variables.
IN_BATCH = 900
#: Progress is reported every this many rows.
PROGRESS_EVERY = 1000
#: Larger files are refused: split them (a guard against memory exhaustion, far above a large organisation).
MAX_ROWS = 200_000
#: A job's stored summary keeps at most this many changed rows and errors (the counts are always complete).
MAX_STORED_ROWS = 1000
MAX_STORED_ERRORS = 1000
#: How long a previewed upload stays available for "Apply" before its rows are discarded.
PREVIEW_TTL = timedelta(hours=24)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_EXTRA = "__extra__"
_UNSET = object()


class ImportFileError(OrgError):
    """The upload cannot be read as rows at all (not UTF-8, no header, not a list...): nothing to validate."""


# --------------------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One input row: its line number and its values (column -> stripped text), only for the columns it had."""

    line: int
    data: dict


@dataclass(frozen=True)
class RowError:
    """A problem with one row (``line`` 1 with no column for file-wide problems such as an unknown column)."""

    line: int
    message: str
    column: str = ""
    code: str = "invalid"

    def as_dict(self):
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class FieldChange:
    """One field of one row: what is stored now and what the import makes it (text, ``None`` for empty)."""

    field: str
    before: str | None
    after: str | None

    def as_dict(self):
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class RowChange:
    """What the import does with one valid row; ``key`` is the employee number or the code."""

    line: int
    key: str
    action: str
    changes: tuple = ()
    user_created: bool = False
    #: The LMS user of an ``employees`` row, when known (lets retirement find the row again).
    user_id: int | None = None

    def as_dict(self):
        return {
            "line": self.line,
            "key": self.key,
            "action": self.action,
            "user_created": self.user_created,
            "user_id": self.user_id,
            "changes": [change.as_dict() for change in self.changes],
        }


@dataclass(frozen=True)
class ImportResult:
    """
    The outcome of one import, the same whatever the entry point.

    Counts cover the valid rows; rows with errors appear only in ``errors``. ``applied`` is true only when the
    changes were written (not a dry run, and no error anywhere in the file).
    """

    kind: str
    dry_run: bool
    applied: bool
    total: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    users_created: int = 0
    rows: tuple = ()
    errors: tuple = ()

    @property
    def ok(self):
        return not self.errors

    @property
    def changed_rows(self):
        return tuple(row for row in self.rows if row.action != UNCHANGED)

    def as_dict(self, *, max_rows=None, max_errors=None, include_unchanged=True):
        """A JSON-ready summary; ``max_rows``/``max_errors`` cap the lists (the counts stay complete)."""
        rows = self.rows if include_unchanged else self.changed_rows
        errors = self.errors
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "ok": self.ok,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "users_created": self.users_created,
            "error_count": len(errors),
            "rows": [row.as_dict() for row in rows[:max_rows]],
            "rows_truncated": max_rows is not None and len(rows) > max_rows,
            "errors": [error.as_dict() for error in errors[:max_errors]],
            "errors_truncated": max_errors is not None and len(errors) > max_errors,
        }


# --------------------------------------------------------------------------------------------------------------
# Reading rows
# --------------------------------------------------------------------------------------------------------------


def _column_name(name):
    return re.sub(r"[\s-]+", "_", str(name or "").strip().lower())


def _text(value, line, column):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        text = str(value).strip()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            # A lone surrogate ("\ud800" in JSON) is no text: stored, it broke every later read of the job.
            raise ImportFileError(
                _("Row %(line)s: the value of '%(column)s' is not valid Unicode text.")
                % {"line": line, "column": column}
            ) from exc
        return text
    raise ImportFileError(
        _("Row %(line)s: the value of '%(column)s' must be text, a number or a boolean.")
        % {"line": line, "column": column}
    )


def parse_csv(content):
    """
    Rows of a CSV upload (bytes or text). A UTF-8 byte order mark (as Excel writes) is dropped; ``;`` or tab is
    used as the separator when the header has more of them than commas. Blank lines are skipped.
    """
    if isinstance(content, bytes | bytearray):
        try:
            text = bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file is not UTF-8 text; save it as 'CSV UTF-8' and try again.")) from exc
    else:
        text = str(content).lstrip("\ufeff")
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # a tie (e.g. one column) means a comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        columns = [_column_name(name) for name in header]
        duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
        if duplicated:
            raise ImportFileError(
                _("The header repeats the column(s) %(columns)s.") % {"columns": ", ".join(duplicated)}
            )
        rows = []
        last_line = reader.line_num
        for values in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            data = {
                column: (values[i].strip() if i < len(values) else "") for i, column in enumerate(columns) if column
            }
            extra = [value for value in values[len(columns) :] if value.strip()]
            if extra:
                data[_EXTRA] = str(len(extra))
            rows.append(SourceRow(line, data))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return rows


def rows_from_json(items):
    """Rows of a JSON list of objects (the REST API's ``rows``); the line of a row is its 1-based position."""
    if not isinstance(items, list):
        raise ImportFileError(_("Rows must be a list of objects."))
    if not items:
        raise ImportFileError(_("There are no rows to import."))
    if len(items) > MAX_ROWS:
        raise ImportFileError(_("There are more than %(max)s rows; split them.") % {"max": MAX_ROWS})
    rows = []
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(_("Row %(line)s is not an object.") % {"line": line})
        rows.append(SourceRow(line, {_column_name(key): _text(value, line, key) for key, value in item.items()}))
    return rows


def parse_upload(content, filename=""):
    """Rows of an uploaded file: JSON when the name ends in ``.json``, CSV otherwise."""
    if str(filename).lower().endswith(".json"):
        try:
            items = json.loads(bytes(content).decode("utf-8-sig") if isinstance(content, bytes) else content)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
        return rows_from_json(items)
    return parse_csv(content)


def _source_rows(rows):
    """Accept :class:`SourceRow` objects, stored ``[line, data]`` pairs or plain dicts (line = position)."""
    result = []
    for position, row in enumerate(rows, start=1):
        if isinstance(row, SourceRow):
            result.append(row)
        elif isinstance(row, list | tuple) and len(row) == 2:
            result.append(SourceRow(int(row[0]), dict(row[1])))
        elif isinstance(row, dict):
            result.append(SourceRow(position, {_column_name(k): _text(v, position, k) for k, v in row.items()}))
        else:
            raise ImportFileError(_("Row %(line)s is not an object.") % {"line": position})
    return result


def rows_to_payload(rows):
    """The JSON form in which a job keeps its rows until it runs."""
    return [[row.line, row.data] for row in _source_rows(rows)]


# --------------------------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------------------------


class _Collector:
    """Errors and row changes of one import, with progress reporting."""

    def __init__(self, kind, rows, progress):
        self.kind = kind
        self.rows = rows
        self.errors = []
        self.changes = []
        self.bad_lines = set()
        self._progress = progress

    def error(self, line, code, message, column=""):
        self.errors.append(RowError(line=line, message=message, column=column, code=code))
        self.bad_lines.add(line)

    def progress(self, phase, done, force=False):
        if self._progress is not None and (force or done % PROGRESS_EVERY == 0):
            self._progress(phase, done, len(self.rows))

    def check_columns(self):
        """Unknown columns are errors (a typo would otherwise be silently ignored), reported once each."""
        known = set(COLUMNS[self.kind])
        reported = set()
        for row in self.rows:
            for column in row.data:
                if column == _EXTRA:
                    self.error(row.line, "bad_value", _("This row has more values than the header has columns."))
                elif column not in known and column not in reported:
                    reported.add(column)
                    self.error(
                        row.line,
                        "unknown_column",
                        _("Unknown column '%(column)s'; the columns are: %(known)s.")
                        % {"column": column, "known": ", ".join(COLUMNS[self.kind])},
                        column,
                    )

    def required(self, row, column):
        value = row.data.get(column, "")
        if not value:
            self.error(row.line, "missing_field", _("'%(column)s' is required.") % {"column": column}, column)
        return value

    def max_length(self, row, column, limit):
        value = row.data.get(column, "")
        if len(value) > limit:
            self.error(
                row.line,
                "bad_value",
                _("'%(column)s' is longer than %(limit)s characters.") % {"column": column, "limit": limit},
                column,
            )
            return False
        return True

    def boolean(self, row, column="active"):
        """``_UNSET`` when the column is absent; blank means true (the documented default)."""
        if column not in row.data:
            return _UNSET
        value = row.data[column].lower()
        if not value or value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.error(row.line, "bad_value", _("'%(column)s' must be true or false.") % {"column": column}, column)
        return _UNSET

    def date(self, row, column):
        if column not in row.data:
            return _UNSET
        value = row.data[column]
        if not value:
            return None
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.error(
                row.line,
                "bad_date",
                _("'%(value)s' is not a date in the form YYYY-MM-DD.") % {"value": value},
                column,
            )
            return _UNSET

    def result(self, dry_run, applied, users_created=0):
        counts = defaultdict(int)
        for change in self.changes:
            counts[change.action] += 1
        return ImportResult(
            kind=self.kind,
            dry_run=dry_run,
            applied=applied,
            total=len(self.rows),
            created=counts[CREATED],
            updated=counts[UPDATED],
            unchanged=counts[UNCHANGED],
            users_created=users_created,
            rows=tuple(sorted(self.changes, key=lambda change: change.line)),
            errors=tuple(sorted(self.errors, key=lambda error: (error.line, error.column))),
        )


def _same(value):
    """
    The form in which the database tells identifiers apart. MySQL/MariaDB (what Open edX runs) compares them with a
    ``*_ci`` collation that ignores letter case and accents, so ``plat`` and ``PLAT`` (or ``Jose`` and ``josé``) are
    one value for its unique indexes: the import must see them as one too, on every database, or a file that passes
    validation fails when written (a duplicate-key error instead of an error on the row).
    """
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _show(value):
    """Values as the diff shows them: text, or ``None`` for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _diff(pairs):
    return tuple(
        FieldChange(name, _show(before), _show(after)) for name, before, after in pairs if _show(before) != _show(after)
    )


def _walk_tree(parent):
    """
    Depth of every node of a parent-pointer graph (root = 0), and its cycles.

    ``parent`` maps node -> parent node (or ``None``). Each node is visited once, so this is linear in the size of
    the organisation. Nodes in a cycle, or under one, get depth ``None``.
    """
    depth = {}
    cycles = []
    for start in parent:
        if start in depth:
            continue
        trail, index = [], {}
        node = start
        while True:
            if node is None:
                base = -1
                break
            if node in depth:
                base = depth[node]
                break
            if node in index:
                cycle = trail[index[node] :]
                cycles.append(cycle)
                for member in cycle:
                    depth[member] = None
                trail = trail[: index[node]]
                base = None
                break
            index[node] = len(trail)
            trail.append(node)
            node = parent.get(node)
        for member in reversed(trail):
            base = None if base is None else base + 1
            depth[member] = base
    return depth, cycles


def _check_tree(collector, parent, line_of, label_of, column, noun):
    """Report cycles and too-deep trees of the final graph (stored graph overlaid with the file) on the rows."""
    depth, cycles = _walk_tree(parent)
    for cycle in cycles:
        labels = [label_of(node) for node in cycle] + [label_of(cycle[0])]
        message = _("Cycle: %(chain)s (each %(noun)s the next).") % {
            "chain": " → ".join(labels),
            "noun": noun,
        }
        for node in cycle:
            if node in line_of:
                collector.error(line_of[node], "cycle", message, column)
    too_deep = set()
    for node, level in depth.items():
        if level is not None and level >= MAX_DEPTH:
            walker = node
            while walker is not None and walker not in line_of:
                walker = parent.get(walker)
            if walker is not None:
                too_deep.add(line_of[walker])
    for line in sorted(too_deep):
        collector.error(
            line,
            "too_deep",
            _("This makes the tree deeper than %(max)s levels.") % {"max": MAX_DEPTH},
            column,
        )


def _levels(parent_of):
    """
    The new nodes of a tree in insertion order: lists of nodes whose parent is stored or in an earlier list.

    ``parent_of`` maps each new node to its parent node (a new node, a stored primary key, ``None`` or unset).
    """
    level = {}
    for start in parent_of:
        trail, node = [], start
        while node in parent_of and node not in level:
            trail.append(node)
            node = parent_of[node]
        base = level.get(node, -1)
        for member in reversed(trail):
            base += 1
            level[member] = base
    by_level = defaultdict(list)
    for node in parent_of:
        by_level[level[node]].append(node)
    return [by_level[depth] for depth in sorted(by_level)]


def _bulk_create(model, objs, user):
    """Insert with history rows, in batches; primary keys are set on ``objs`` whatever the database."""
    for chunk in _chunks(objs, BATCH_SIZE):
        created = bulk_create_with_history(chunk, model, batch_size=BATCH_SIZE, default_user=user)
        # Backends that cannot return ids from a bulk insert make the utility re-read the rows, in order.
        for obj, saved in zip(chunk, created, strict=False):
            if obj.pk is None:
                obj.pk = saved.pk


def _bulk_update(model, objs, fields, user, report=None):
    """
    Update with history rows, in batches. ``core.bulk.bulk_set`` rather than ``bulk_update_with_history`` (whose
    ``QuerySet.bulk_update`` spends about a millisecond of Python per row); the history is written the same way.
    """
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in sorted(fields)]
    names = [field.attname for field in fields]
    done = 0
    for chunk in _chunks(objs, BATCH_SIZE):
        bulk_set(model, names, {obj.pk: tuple(getattr(obj, name) for name in names) for obj in chunk})
        model.history.bulk_history_create(chunk, batch_size=BATCH_SIZE, update=True, default_user=user)
        done += len(chunk)
        if report:
            report(done)


# --------------------------------------------------------------------------------------------------------------
# Employees
# --------------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _PersonRow:
    row: SourceRow
    number: str
    node: object = None
    employee: Employee | None = None
    user: object = None
    new_user: object = None
    values: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    manager: object = _UNSET


def _find_users(user_model, usernames, emails):
    """
    Users by username and email as :func:`_same` folds them, in a few ``IN`` queries (which MySQL's collation makes
    case- and accent-insensitive; elsewhere emails are also looked up lower-cased).
    """
    by_username, by_email = {}, defaultdict(dict)
    for chunk in _chunks(sorted(usernames), IN_BATCH):
        for user in user_model.objects.filter(username__in=chunk):
            by_username.setdefault(_same(user.username), user)
    lookup = sorted(set(emails) | {email.lower() for email in emails})
    for chunk in _chunks(lookup, IN_BATCH):
        for user in user_model.objects.filter(email__in=chunk):
            by_email[_same(user.email)][user.pk] = user
    return by_username, by_email


def _plan_employees(collector, create_users):
    rows = collector.rows
    user_model = get_user_model()
    employees = list(Employee.objects.select_related("user"))
    by_number = {e.employee_number: e for e in employees if e.employee_number}
    stored_number = {_same(number): number for number in by_number}
    by_user = {e.user_id: e for e in employees}
    by_pk = {e.pk: e for e in employees}
    positions = dict(Position.objects.values_list("code", "pk"))
    position_code = {pk: code for code, pk in positions.items()}
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    unit_code = {pk: code for code, pk in units.items()}

    usernames, emails = set(), set()
    for row in rows:
        if row.data.get("employee_number") not in by_number:
            if row.data.get("username"):
                usernames.add(row.data["username"])
            if row.data.get("email"):
                emails.add(row.data["email"])
    by_username, by_email = _find_users(user_model, usernames, emails)

    # Pass 1: who each row is.
    people = []
    first_line_of_number = {}
    line_of_user, new_usernames, new_emails = {}, {}, {}
    username_validator = UnicodeUsernameValidator()
    for done, row in enumerate(rows, start=1):
        collector.progress("validating", done)
        data = row.data
        number = collector.required(row, "employee_number")
        if not number:
            continue
        if _same(number) in first_line_of_number:
            collector.error(
                row.line,
                "duplicate",
                _("Employee number %(number)s is already on line %(line)s.")
                % {"number": number, "line": first_line_of_number[_same(number)]},
                "employee_number",
            )
            continue
        first_line_of_number[_same(number)] = row.line
        person = _PersonRow(row=row, number=number, node=("row", row.line))
        people.append(person)
        if not collector.max_length(row, "employee_number", 64):
            continue
        username, email = data.get("username", ""), data.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                collector.error(
                    row.line, "bad_email", _("'%(email)s' is not a valid email.") % {"email": email}, "email"
                )
                continue
        employee = by_number.get(number)
        if employee is None and _same(number) in stored_number:
            collector.error(
                row.line,
                "near_duplicate",
                _("Employee number %(number)s differs from the stored %(stored)s only in letter case or accents.")
                % {"number": number, "stored": stored_number[_same(number)]},
                "employee_number",
            )
            continue
        if employee is not None:
            user = employee.user
            if username and _same(username) != _same(user.username):
                collector.error(
                    row.line,
                    "identity_conflict",
                    _("Employee number %(number)s belongs to user '%(user)s', not '%(username)s'.")
                    % {"number": number, "user": user.username, "username": username},
                    "username",
                )
                continue
        else:
            user = by_username.get(_same(username)) if username else None
            if user is None and email:
                matches = by_email.get(_same(email), {})
                if len(matches) > 1:
                    collector.error(
                        row.line,
                        "ambiguous_user",
                        _("Several users have the email '%(email)s'; give the username.") % {"email": email},
                        "email",
                    )
                    continue
                user = next(iter(matches.values()), None)
                if user is not None and username:
                    collector.error(
                        row.line,
                        "identity_conflict",
                        _("The email '%(email)s' belongs to user '%(user)s', not '%(username)s'.")
                        % {"email": email, "user": user.username, "username": username},
                        "email",
                    )
                    continue
            if user is not None:
                employee = by_user.get(user.pk)
        if user is None:
            if not username and not email:
                collector.error(
                    row.line,
                    "missing_field",
                    _("'username' or 'email' is required for someone who is not in the org chart yet."),
                    "username",
                )
                continue
            if not create_users:
                collector.error(
                    row.line,
                    "unknown_user",
                    _("No user has the username '%(username)s' or the email '%(email)s' (allow creating users?).")
                    % {"username": username, "email": email},
                    "username" if username else "email",
                )
                continue
            missing = [column for column in ("username", "email") if not data.get(column)]
            for column in missing:
                collector.error(
                    row.line,
                    "missing_field",
                    _("'%(column)s' is required to create a user.") % {"column": column},
                    column,
                )
            if missing:
                continue
            try:
                username_validator(username)
                if len(username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                collector.error(
                    row.line,
                    "bad_value",
                    _("'%(username)s' is not a valid username.") % {"username": username},
                    "username",
                )
                continue
            for value, seen, column in ((username, new_usernames, "username"), (email, new_emails, "email")):
                if _same(value) in seen:
                    collector.error(
                        row.line,
                        "duplicate",
                        _("'%(value)s' is already on line %(line)s.") % {"value": value, "line": seen[_same(value)]},
                        column,
                    )
            if row.line in collector.bad_lines:
                continue
            new_usernames[_same(username)] = row.line
            new_emails[_same(email)] = row.line
            person.new_user = user_model(
                username=username,
                email=email,
                first_name=data.get("first_name", "")[:150],
                last_name=data.get("last_name", "")[:150],
                password=make_password(None),
                is_active=True,
            )
        else:
            if user.pk in line_of_user:
                collector.error(
                    row.line,
                    "duplicate",
                    _("User '%(user)s' is already on line %(line)s.")
                    % {"user": user.username, "line": line_of_user[user.pk]},
                    "username",
                )
                continue
            line_of_user[user.pk] = row.line
            person.user = user
        person.employee = employee
        person.node = employee.pk if employee is not None else ("new", row.line)

    # The employee numbers once the file is applied: stored numbers, less the renumbered, plus the file's.
    final_numbers = {number: e.pk for number, e in by_number.items()}
    for person in people:
        old = person.employee.employee_number if person.employee is not None else None
        if old and old != person.number and final_numbers.get(old) == person.node:
            del final_numbers[old]
    for person in people:
        final_numbers[person.number] = person.node
    number_of = {node: number for number, node in final_numbers.items()}

    # Pass 2: field values, managers and the diff.
    parent = {e.pk: e.manager_id for e in employees}
    line_of = {}
    for person in people:
        row, data = person.row, person.row.data
        line_of[person.node] = row.line
        values = person.values
        for column, mapping, attname in (("position", positions, "position_id"), ("org_unit", units, "org_unit_id")):
            if column in data:
                code = data[column]
                if code and code not in mapping:
                    kind = _("position") if column == "position" else _("org unit")
                    collector.error(
                        row.line,
                        f"unknown_{column}",
                        _("Unknown %(kind)s '%(code)s'.") % {"kind": kind, "code": code},
                        column,
                    )
                else:
                    values[attname] = mapping[code] if code else None
        start_date = collector.date(row, "start_date")
        if start_date is not _UNSET:
            values["start_date"] = start_date
        active = collector.boolean(row)
        if active is not _UNSET:
            values["active"] = active
        for column in ("first_name", "last_name"):
            if data.get(column) and collector.max_length(row, column, 150):
                person.names[column] = data[column]
        if "manager" in data:
            manager_number = data["manager"]
            if not manager_number:
                person.manager = None
            elif manager_number not in final_numbers:
                collector.error(
                    row.line,
                    "unknown_manager",
                    _("Unknown manager: no employee number %(number)s in the file or the org chart.")
                    % {"number": manager_number},
                    "manager",
                )
            else:
                person.manager = final_numbers[manager_number]
        if person.manager is not _UNSET:
            manager = person.manager
            parent[person.node] = None if isinstance(manager, tuple) and manager[0] == "row" else manager
        elif person.employee is None:
            parent[person.node] = None

    def label(node):
        return number_of.get(node) or (by_pk[node].employee_number if node in by_pk else None) or str(node)

    _check_tree(collector, parent, line_of, label, "manager", _("reports to"))

    for person in people:
        if person.row.line in collector.bad_lines:
            continue
        employee, values = person.employee, person.values
        user = person.user or person.new_user
        manager_number = number_of.get(person.manager) if person.manager not in (_UNSET, None) else None
        if employee is None:
            new_user = person.new_user is not None
            pairs = [
                ("username", None, user.username),
                ("email", None, user.email if new_user else None),
                *(
                    (
                        column,
                        None if new_user else getattr(user, column),
                        person.names.get(column, getattr(user, column)),
                    )
                    for column in ("first_name", "last_name")
                ),
                ("employee_number", None, person.number),
                ("position", None, position_code.get(values.get("position_id"))),
                ("org_unit", None, unit_code.get(values.get("org_unit_id"))),
                ("manager", None, manager_number),
                ("start_date", None, values.get("start_date")),
                ("active", None, values.get("active", True)),
            ]
            action = CREATED
        else:
            pairs = [("employee_number", employee.employee_number, person.number)]
            for column in ("first_name", "last_name"):
                if column in person.names:
                    pairs.append((column, getattr(user, column), person.names[column]))
            for column, attname, show in (
                ("position", "position_id", position_code.get),
                ("org_unit", "org_unit_id", unit_code.get),
                ("start_date", "start_date", None),
                ("active", "active", None),
            ):
                if attname in values:
                    before, after = getattr(employee, attname), values[attname]
                    pairs.append((column, show(before) if show else before, show(after) if show else after))
            if person.manager is not _UNSET and person.manager != employee.manager_id:
                before = by_pk[employee.manager_id] if employee.manager_id else None
                before = (before.employee_number or before.user.username) if before else None
                pairs.append(("manager", before, manager_number))
            action = UPDATED
        changes = _diff(pairs)
        if action == UPDATED and not changes:
            action = UNCHANGED
        collector.changes.append(
            RowChange(
                line=person.row.line,
                key=person.number,
                action=action,
                changes=changes,
                user_created=person.new_user is not None,
                user_id=user.pk,
            )
        )

    def apply(history_user):
        return _apply_employees(collector, people, history_user, user_model, by_pk)

    return apply


def _apply_employees(collector, people, history_user, user_model, stored):
    """Write a valid plan: new and renamed users, new employees (managers first), changed ones, then paths."""
    actions = {change.line: change for change in collector.changes}
    new_users = [person.new_user for person in people if person.new_user is not None]
    if new_users:
        user_model.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        missing = {user.username: user for user in new_users if user.pk is None}
        for chunk in _chunks(missing, IN_BATCH):  # backends that do not return ids from a bulk insert
            for username, pk in user_model.objects.filter(username__in=chunk).values_list("username", "pk"):
                missing[username].pk = pk
        # The platform expects more than an auth user for every account (the LMS: a UserProfile).
        get_backend().create_user_profiles(new_users)
        # The result names the new users by id too (retirement finds their rows by it).
        new_ids = {person.row.line: person.new_user.pk for person in people if person.new_user is not None}
        collector.changes = [
            replace(change, user_id=new_ids[change.line]) if change.line in new_ids else change
            for change in collector.changes
        ]
    renamed = []
    for person in people:
        user = person.user
        if user is not None and person.names and actions[person.row.line].action != UNCHANGED:
            before = (user.first_name, user.last_name)
            for column, value in person.names.items():
                setattr(user, column, value)
            if (user.first_name, user.last_name) != before:
                renamed.append(user)
    if renamed:
        user_model.objects.bulk_update(renamed, ["first_name", "last_name"], batch_size=BATCH_SIZE)

    created = _create_employees(collector, people, history_user, stored)
    pk_of = {person.node: person.employee.pk for person in people if person.employee is not None}

    to_update, fields = [], set()
    for person in people:
        action = actions[person.row.line].action
        employee = person.employee
        manager = person.manager
        manager_id = pk_of.get(manager, manager) if manager is not _UNSET else _UNSET
        if action in (CREATED, UNCHANGED):
            continue
        changed = False
        if employee.employee_number != person.number:
            employee.employee_number = person.number
            fields.add("employee_number")
            changed = True
        for attname, value in person.values.items():
            if getattr(employee, attname) != value:
                setattr(employee, attname, value)
                fields.add(attname.removesuffix("_id"))
                changed = True
        if manager_id is not _UNSET and employee.manager_id != manager_id:
            employee.manager_id = manager_id
            fields.add("manager")
            changed = True
        if changed:
            to_update.append(employee)
    _bulk_update(
        Employee,
        to_update,
        fields,
        history_user,
        report=lambda done: collector.progress("writing", len(created) + done, force=True),
    )
    if "manager" in fields:  # stored people moved: their reports' paths change too (new people's are set)
        rebuild_paths(Employee)
    collector.progress("writing", len(collector.rows), force=True)
    return len(new_users)


def _create_employees(collector, people, history_user, stored):
    """
    Insert the new people of a valid plan, with their managers, paths and history, in a number of statements set
    by the number of rows (three per batch), never by the depth of the organisation.

    All are inserted first (so each gets its id), then managers and paths are set in one batched update -- a path
    is the manager's path plus the person's own id, computed in memory managers first -- and only then is the
    history written, so it starts complete (with the manager) as if each had been created one by one. ``stored``
    maps stored primary keys to employees (their paths; a stored person moved by the same file gets the right
    path from ``rebuild_paths`` afterwards).
    """
    new_people = {person.node: person for person in people if person.employee is None}
    if not new_people:
        return []
    for person in new_people.values():
        person.employee = Employee(
            user_id=(person.user or person.new_user).pk,
            employee_number=person.number,
            **{"active": True, **person.values},
        )
    created = [person.employee for person in new_people.values()]
    Employee.objects.bulk_create(created, batch_size=BATCH_SIZE)
    missing = {employee.employee_number: employee for employee in created if employee.pk is None}
    for chunk in _chunks(missing, IN_BATCH):  # backends that do not return ids from a bulk insert
        for number, pk in Employee.objects.filter(employee_number__in=chunk).values_list("employee_number", "pk"):
            missing[number].pk = pk
    collector.progress("writing", len(created) // 3, force=True)
    path_of = {pk: employee.path for pk, employee in stored.items()}
    pk_of = {person.node: person.employee.pk for person in people if person.employee is not None}
    values = {}
    for nodes in _levels({node: person.manager for node, person in new_people.items()}):  # managers first
        for node in nodes:
            employee, manager = new_people[node].employee, new_people[node].manager
            manager_id = None if manager in (_UNSET, None) else pk_of.get(manager, manager)
            employee.manager_id = manager_id
            employee.path = child_path(path_of.get(manager_id, "") if manager_id else "", employee.pk)
            path_of[employee.pk] = employee.path
            values[employee.pk] = (manager_id, employee.path)
    bulk_set(Employee, ["manager_id", "path"], values, batch_size=BATCH_SIZE)
    collector.progress("writing", 2 * len(created) // 3, force=True)
    for chunk in _chunks(created, BATCH_SIZE):
        Employee.history.bulk_history_create(chunk, batch_size=BATCH_SIZE, default_user=history_user)
    collector.progress("writing", len(created), force=True)
    return created


# --------------------------------------------------------------------------------------------------------------
# Org units and positions
# --------------------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _CodeRow:
    row: SourceRow
    code: str
    obj: object = None
    node: object = None
    values: dict = field(default_factory=dict)
    parent: object = _UNSET


def _first_pass_codes(collector, existing):
    """Required, unique codes (as the database compares them: :func:`_same`); the stored object of each row."""
    items, first_line = [], {}
    stored_code = {_same(code): code for code in existing}
    for done, row in enumerate(collector.rows, start=1):
        collector.progress("validating", done)
        code = collector.required(row, "code")
        if not code:
            continue
        if _same(code) in first_line:
            collector.error(
                row.line,
                "duplicate",
                _("Code %(code)s is already on line %(line)s.") % {"code": code, "line": first_line[_same(code)]},
                "code",
            )
            continue
        first_line[_same(code)] = row.line
        if not collector.max_length(row, "code", 64):
            continue
        obj = existing.get(code)
        if obj is None and _same(code) in stored_code:
            collector.error(
                row.line,
                "near_duplicate",
                _("Code %(code)s differs from the stored %(stored)s only in letter case or accents.")
                % {"code": code, "stored": stored_code[_same(code)]},
                "code",
            )
            continue
        items.append(_CodeRow(row=row, code=code, obj=obj, node=obj.pk if obj else ("new", row.line)))
    return items


def _text_field(collector, item, column, limit, required_when_new=True):
    row = item.row
    if column not in row.data:
        if item.obj is None and required_when_new:
            collector.required(row, column)
        return
    value = row.data[column]
    if not value:
        if item.obj is None and required_when_new:
            collector.required(row, column)
        elif not required_when_new:
            item.values[column] = ""
        return  # a blank name or title of a stored object is left as it is
    if limit is None or collector.max_length(row, column, limit):
        item.values[column] = value


def _record_changes(collector, items, shown):
    for item in items:
        if item.row.line in collector.bad_lines:
            continue
        if item.obj is None:
            pairs = [("code", None, item.code)] + [(name, None, after) for name, _before, after in shown(item)]
            action = CREATED
        else:
            pairs = shown(item)
            action = UPDATED
        changes = _diff(pairs)
        if action == UPDATED and not changes:
            action = UNCHANGED
        collector.changes.append(RowChange(line=item.row.line, key=item.code, action=action, changes=changes))


def _plan_org_units(collector):
    units = list(OrgUnit.objects.all())
    by_code = {unit.code: unit for unit in units}
    code_of_pk = {unit.pk: unit.code for unit in units}
    items = _first_pass_codes(collector, by_code)
    final_codes = {code: unit.pk for code, unit in by_code.items()}
    for item in items:
        final_codes[item.code] = item.node
    code_of = {node: code for code, node in final_codes.items()}
    kinds = {kind for kind, _label in OrgUnit.KIND_CHOICES}
    parent = {unit.pk: unit.parent_id for unit in units}
    line_of = {}
    for item in items:
        row, data = item.row, item.row.data
        line_of[item.node] = row.line
        _text_field(collector, item, "name", 255)
        kind = data.get("kind", "")
        if kind:
            if kind.lower() not in kinds:
                collector.error(
                    row.line,
                    "bad_value",
                    _("Unknown kind '%(kind)s'; use one of %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(sorted(kinds))},
                    "kind",
                )
            else:
                item.values["kind"] = kind.lower()
        elif item.obj is None:
            item.values["kind"] = "team"
        active = collector.boolean(row)
        if active is not _UNSET:
            item.values["active"] = active
        if "parent" in data:
            code = data["parent"]
            if not code:
                item.parent = None
            elif code not in final_codes:
                collector.error(
                    row.line,
                    "unknown_org_unit",
                    _("Unknown parent org unit '%(code)s'.") % {"code": code},
                    "parent",
                )
            else:
                item.parent = final_codes[code]
        if item.parent is not _UNSET:
            parent[item.node] = item.parent
        elif item.obj is None:
            parent[item.node] = None

    def label(node):
        return code_of.get(node) or str(node)

    _check_tree(collector, parent, line_of, label, "parent", _("is inside"))

    def shown(item):
        obj, values = item.obj, item.values
        pairs = [
            (name, getattr(obj, name) if obj else None, values[name])
            for name in ("name", "kind", "active")
            if name in values
        ]
        if item.obj is None and "active" not in values:
            pairs.append(("active", None, True))
        if item.parent is not _UNSET and (obj is None or item.parent != obj.parent_id):
            pairs.append(("parent", code_of_pk.get(obj.parent_id) if obj else None, code_of.get(item.parent)))
        return pairs

    _record_changes(collector, items, shown)

    def apply(history_user):
        actions = {change.line: change.action for change in collector.changes}
        new_items = {item.node: item for item in items if item.obj is None}
        pk_of = {item.node: item.obj.pk for item in items if item.obj is not None}
        created = []
        for nodes in _levels({node: item.parent for node, item in new_items.items()}):  # parents first
            batch = []
            for node in nodes:
                item = new_items[node]
                parent_id = None if item.parent in (_UNSET, None) else pk_of.get(item.parent, item.parent)
                item.obj = OrgUnit(code=item.code, parent_id=parent_id, **{"active": True, **item.values})
                batch.append(item.obj)
            _bulk_create(OrgUnit, batch, history_user)
            pk_of.update((node, new_items[node].obj.pk) for node in nodes)
            created.extend(batch)
            collector.progress("writing", len(created), force=True)
        to_update, fields = [], set()
        for item in items:
            if actions[item.row.line] != UPDATED:
                continue
            obj, changed = item.obj, False
            for name, value in item.values.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    fields.add(name)
                    changed = True
            if item.parent is not _UNSET:
                parent_id = pk_of.get(item.parent, item.parent)
                if obj.parent_id != parent_id:
                    obj.parent_id = parent_id
                    fields.add("parent")
                    changed = True
            if changed:
                to_update.append(obj)
        _bulk_update(OrgUnit, to_update, fields, history_user)
        if created or "parent" in fields:
            rebuild_paths(OrgUnit)
        return 0

    return apply


def _plan_positions(collector):
    positions = {position.code: position for position in Position.objects.all()}
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    unit_code = {pk: code for code, pk in units.items()}
    items = _first_pass_codes(collector, positions)
    for item in items:
        row, data = item.row, item.row.data
        _text_field(collector, item, "title", 255)
        _text_field(collector, item, "description", None, required_when_new=False)
        if "org_unit" in data:
            code = data["org_unit"]
            if code and code not in units:
                collector.error(
                    row.line, "unknown_org_unit", _("Unknown org unit '%(code)s'.") % {"code": code}, "org_unit"
                )
            else:
                item.values["org_unit_id"] = units[code] if code else None
        active = collector.boolean(row)
        if active is not _UNSET:
            item.values["active"] = active

    def shown(item):
        obj, values = item.obj, item.values
        pairs = []
        for name in ("title", "description", "org_unit_id", "active"):
            if name in values:
                before, after = (getattr(obj, name) if obj else None), values[name]
                if name == "org_unit_id":
                    pairs.append(("org_unit", unit_code.get(before), unit_code.get(after)))
                else:
                    pairs.append((name, before, after))
        if obj is None and "active" not in values:
            pairs.append(("active", None, True))
        return pairs

    _record_changes(collector, items, shown)

    def apply(history_user):
        actions = {change.line: change.action for change in collector.changes}
        created, to_update, fields = [], [], set()
        for item in items:
            action = actions[item.row.line]
            if action == CREATED:
                created.append(Position(code=item.code, **{"active": True, **item.values}))
            elif action == UPDATED:
                for name, value in item.values.items():
                    if getattr(item.obj, name) != value:
                        setattr(item.obj, name, value)
                        fields.add(name.removesuffix("_id"))
                to_update.append(item.obj)
        _bulk_create(Position, created, history_user)
        collector.progress("writing", len(created), force=True)
        _bulk_update(Position, to_update, fields, history_user)
        return 0

    return apply


_PLANNERS = {
    EMPLOYEES: lambda collector, create_users: _plan_employees(collector, create_users),
    ORG_UNITS: lambda collector, create_users: _plan_org_units(collector),
    POSITIONS: lambda collector, create_users: _plan_positions(collector),
}


# --------------------------------------------------------------------------------------------------------------
# The import itself
# --------------------------------------------------------------------------------------------------------------


def run_import(kind, rows, *, dry_run=True, create_users=False, user=None, progress=None):
    """
    Validate ``rows`` of ``kind`` against the stored org chart and, unless ``dry_run`` or any row has an error,
    write them all in one transaction. Returns an :class:`ImportResult`.

    ``user`` is recorded as the history user of every change. ``progress(phase, done, total)`` is called every
    :data:`PROGRESS_EVERY` rows while validating and after each batch while writing. ``create_users`` (employees
    only) creates LMS users for rows whose user does not exist; without it such rows are errors.
    """
    if kind not in KINDS:
        raise ImportFileError(_("Unknown import kind '%(kind)s'.") % {"kind": kind})
    rows = _source_rows(rows)
    collector = _Collector(kind, rows, progress)
    if dry_run:
        collector.check_columns()
        _PLANNERS[kind](collector, create_users)
        return collector.result(dry_run=True, applied=False)
    with transaction.atomic():
        # Validation runs inside the transaction so that what is written is exactly what was checked.
        collector.check_columns()
        apply = _PLANNERS[kind](collector, create_users)
        if collector.errors:
            return collector.result(dry_run=False, applied=False)
        users_created = apply(user)
    result = collector.result(dry_run=False, applied=True, users_created=users_created)
    if kind == EMPLOYEES:
        _announce_changed_people(result)
    return result


def _announce_changed_people(result):
    """Tell the domains above whose records the import created or moved (see ``org.signals``)."""
    user_ids = [
        change.user_id
        for change in result.changed_rows
        if change.user_id is not None
        and (change.action == CREATED or WATCHED_FIELDS.intersection(field.field for field in change.changes))
    ]
    if user_ids:
        employees_changed.send(sender=ImportJob, user_ids=user_ids)


def import_employees(rows, **options):
    """People (see the module docstring for the columns); options as :func:`run_import`."""
    return run_import(EMPLOYEES, rows, **options)


def import_org_units(rows, **options):
    """Org units (``code, name, kind, parent, active``); options as :func:`run_import`."""
    return run_import(ORG_UNITS, rows, **options)


def import_positions(rows, **options):
    """Positions (``code, title, org_unit, description, active``); options as :func:`run_import`."""
    return run_import(POSITIONS, rows, **options)


# --------------------------------------------------------------------------------------------------------------
# Jobs: the same import, recorded, with progress, run in the request or by the Celery task
# --------------------------------------------------------------------------------------------------------------


def runs_async(row_count):
    """Whether an import of ``row_count`` rows should run as a background task rather than in the request."""
    return row_count > settings.PERF_MGMT_IMPORT_ASYNC_ROWS


def _progress_key(job_id):
    return f"perf_mgmt:import_job:{job_id}:progress"


def job_progress(job):
    """
    ``(phase, processed, total)`` of a job. While it runs, the live value comes from the cache: a job applying
    changes updates its row inside its own transaction, which other connections cannot see until it commits.
    """
    phase, processed = job.phase, job.processed_rows
    if job.status == ImportJob.RUNNING:
        live = cache.get(_progress_key(job.pk))
        if live:
            phase, processed = live
    return phase, processed, job.total_rows


def discard_expired_previews(now=None):
    """Drop the kept rows of finished jobs whose preview was not applied in time (one UPDATE; run on each upload)."""
    cutoff = (now or timezone.now()) - PREVIEW_TTL
    return (
        ImportJob.objects.filter(payload__isnull=False, created__lt=cutoff)
        .exclude(status__in=[ImportJob.PENDING, ImportJob.RUNNING])
        .update(payload=None)
    )


def fail_stalled_jobs(now=None):
    """
    End jobs that have been "running" longer than ``PERF_MGMT_IMPORT_TIMEOUT_MINUTES``: their worker died (killed,
    restarted, out of memory) and will never finish them. Nothing of theirs was written -- an import writes in one
    transaction -- so they are marked failed with a message saying so, and HR can simply upload the file again.
    One UPDATE; run on each upload.
    """
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.PERF_MGMT_IMPORT_TIMEOUT_MINUTES)
    message = _("The import stopped before it finished (its worker ended). Nothing was changed; run it again.")
    return ImportJob.objects.filter(status=ImportJob.RUNNING, started_at__lt=cutoff).update(
        status=ImportJob.FAILED,
        finished_at=now or timezone.now(),
        phase="",
        payload=None,
        errors=[RowError(line=0, message=str(message), code="stalled").as_dict()],
    )


def create_job(kind, rows, *, user=None, dry_run=True, create_users=False, origin="api", source_name="", keep=False):
    """
    Record an import about to run. Its rows are stored only when ``keep`` is true: for the background task, or for
    a page preview that may be applied later; a job run in the request with ``execute_job`` does not need them.
    """
    if kind not in KINDS:
        raise ImportFileError(_("Unknown import kind '%(kind)s'.") % {"kind": kind})
    rows = _source_rows(rows)
    discard_expired_previews()
    fail_stalled_jobs()
    return ImportJob.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        origin=origin,
        dry_run=dry_run,
        create_users=create_users,
        source_name=(source_name or "")[:255],
        total_rows=len(rows),
        payload=rows_to_payload(rows) if keep else None,
    )


def _keeps_payload(job, result):
    """A page preview without errors keeps its rows for "Apply"; every other job drops them when it ends."""
    return job.dry_run and job.origin == "page" and result is not None and result.ok


def execute_job(job, rows=None):
    """
    Run ``job`` now, with ``rows`` or else its stored rows; record progress, result and status. Returns the
    :class:`ImportResult`, or ``None`` when the job is not pending (it ran already, or is running elsewhere).
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.PENDING).update(
        status=ImportJob.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job.refresh_from_db()
    if rows is None:
        rows = job.payload or []
    key = _progress_key(job.pk)

    def progress(phase, done, total):
        cache.set(key, (phase, done), timeout=24 * 3600)
        ImportJob.objects.filter(pk=job.pk).update(phase=phase, processed_rows=done)

    result = None
    try:
        result = run_import(
            job.kind,
            rows,
            dry_run=job.dry_run,
            create_users=job.create_users,
            user=job.user,
            progress=progress,
        )
    except Exception as exc:  # any failure must end the job, never leave it "running"
        log.exception("perf-mgmt import job %s failed", job.pk)
        job.status = ImportJob.FAILED
        job.errors = [RowError(line=0, message=str(exc) or exc.__class__.__name__, code="failure").as_dict()]
    else:
        job.status = ImportJob.SUCCEEDED if result.ok else ImportJob.FAILED
        # Unchanged rows are only counted, and errors live in ``job.errors``: the summary stays small.
        job.result = result.as_dict(max_rows=MAX_STORED_ROWS, max_errors=0, include_unchanged=False)
        del job.result["errors"], job.result["errors_truncated"]
        job.errors = [error.as_dict() for error in result.errors[:MAX_STORED_ERRORS]]
    job.processed_rows = job.total_rows
    job.phase = ""
    job.finished_at = timezone.now()
    if not _keeps_payload(job, result):
        job.payload = None
    job.save(update_fields=["status", "result", "errors", "processed_rows", "phase", "finished_at", "payload"])
    cache.delete(key)
    return result


def run_job(job_id):
    """The background task's work: run a pending job from its stored rows. Running it again does nothing."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        log.warning("perf-mgmt import job %s does not exist", job_id)
        return None
    return execute_job(job)


def apply_preview(preview, user):
    """
    Start the real import of a previewed upload: a new job takes over the preview's rows (so the upload is never
    sent again and never kept twice). Raises :class:`OrgError` if the preview cannot be applied (any more).
    """
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=preview.pk).first()
        if locked is None or not locked.dry_run or locked.status != ImportJob.SUCCEEDED:
            raise OrgError(_("Only a preview without errors can be applied."))
        if locked.user_id != getattr(user, "pk", None):
            raise OrgError(_("Only the person who uploaded the file can apply it."))
        if locked.applied_by_id is not None or locked.payload is None:
            raise OrgError(_("This preview was already applied, or it expired; upload the file again."))
        job = ImportJob.objects.create(
            user=user,
            kind=locked.kind,
            origin=locked.origin,
            dry_run=False,
            create_users=locked.create_users,
            source_name=locked.source_name,
            total_rows=locked.total_rows,
            payload=locked.payload,
        )
        locked.payload = None
        locked.applied_by = job
        locked.save(update_fields=["payload", "applied_by"])
    return job


# --------------------------------------------------------------------------------------------------------------
# Retirement
# --------------------------------------------------------------------------------------------------------------


_NOT_PERSONAL = {"action", "field", "code", "column"}


def _mentions(entry, user_id, patterns):
    if isinstance(entry, dict):
        if user_id is not None and entry.get("user_id") == user_id:
            return True
        return any(_mentions(value, None, patterns) for key, value in entry.items() if key not in _NOT_PERSONAL)
    if isinstance(entry, list | tuple):
        return any(_mentions(value, None, patterns) for value in entry)
    if isinstance(entry, str):
        return any(pattern.search(entry) for pattern in patterns)
    return False


def forget_user_in_jobs(user, identifiers=()):
    """
    Remove what import jobs hold about ``user``: unlink the jobs they started, and drop every stored row, row
    change and error that names them (by user id, username, email, employee number or ``identifiers``).

    Imports are rare, so scanning the jobs that still hold rows is cheap; matching whole words keeps short
    values from matching inside longer ones. Idempotent.
    """
    values = {user.username, user.email, *identifiers}
    number = Employee.objects.filter(user=user).values_list("employee_number", flat=True).first()
    if number:
        values.add(number)
    patterns = [
        re.compile(r"(?<![\w@.+-])" + re.escape(value) + r"(?![\w@.+-])", re.IGNORECASE) for value in values if value
    ]
    ImportJob.objects.filter(user=user).update(user=None)
    for job in ImportJob.objects.only("pk", "payload", "result", "errors").iterator(chunk_size=20):
        changed = []
        if job.payload and _mentions(job.payload, None, patterns):
            job.payload = [row for row in job.payload if not _mentions(row, None, patterns)]
            changed.append("payload")
        if job.result and _mentions(job.result.get("rows", []), user.pk, patterns):
            job.result["rows"] = [row for row in job.result["rows"] if not _mentions(row, user.pk, patterns)]
            changed.append("result")
        if job.errors and _mentions(job.errors, None, patterns):
            job.errors = [error for error in job.errors if not _mentions(error, None, patterns)]
            changed.append("errors")
        if changed:
            job.save(update_fields=changed)
