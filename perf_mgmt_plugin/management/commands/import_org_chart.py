"""
``import_org_chart FILE [--dry-run] [--create-users] [--kind employees|org_units|positions] [--as-user USERNAME]``

Imports people, org units or positions from a CSV file (or a ``.json`` list of objects; ``-`` reads standard
input as CSV) with the same checks and the same all-or-nothing write as the HR page and the REST API
(``perf_mgmt_plugin.org.importer`` documents the columns). Prints what changed, field by field, and every error
with its line number; exits non-zero when there is any error, so scripts and cron notice.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...core import limits
from ...org import api as org_api


class Command(BaseCommand):
    help = "Import the org chart (people, org units or positions) from a CSV or JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header row), a .json list of objects, or - for stdin")
        parser.add_argument("--dry-run", action="store_true", help="check and show the changes; write nothing")
        parser.add_argument("--create-users", action="store_true", help="create LMS users that do not exist yet")
        parser.add_argument("--kind", choices=org_api.KINDS, default=org_api.EMPLOYEES)
        parser.add_argument("--as-user", metavar="USERNAME", help="the user recorded as the author of the changes")

    def handle(self, *args, **options):
        user = None
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['as_user']}'.")
        name = options["file"]
        try:
            content = limits.read_import(sys.stdin.buffer if name == "-" else name)
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc}") from exc
        except limits.TooLarge as exc:
            raise CommandError(str(exc)) from exc
        try:
            rows = org_api.parse_upload(content, filename=name)
            job = org_api.create_job(
                options["kind"],
                rows,
                user=user,
                dry_run=options["dry_run"],
                create_users=options["create_users"],
                origin="command",
                source_name=name,
            )
        except org_api.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = org_api.execute_job(job, rows)
        if result is None:  # pragma: no cover - a fresh job is always pending
            raise CommandError(f"Import job {job.pk} did not run.")
        self._report(result, name, int(options["verbosity"]))
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported.")

    def _report(self, result, name, verbosity):
        if result.applied:
            self.stdout.write(f"Imported {result.kind} from {name}.")
        elif result.dry_run:
            self.stdout.write(f"Dry run of the {result.kind} import from {name}: nothing was written.")
        self.stdout.write(
            f"Rows: {result.total}; created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}; users created {result.users_created}."
        )
        if verbosity >= 1:
            for row in result.rows:
                if row.action == org_api.UNCHANGED and verbosity < 2:
                    continue
                changes = "; ".join(f"{c.field}: {c.before or '-'} -> {c.after or '-'}" for c in row.changes)
                self.stdout.write(f"  line {row.line} {row.key} {row.action}" + (f": {changes}" if changes else ""))
        for error in result.errors:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"line {error.line}{column}: {error.message}")
