"""
``import_competency_taxonomy TAXONOMY [--scale SLUG] [--framework SLUG] [--target-level N] [--dry-run]``

Turns an Open edX tagging taxonomy (``openedx_tagging``; TAXONOMY is its id, export id or name) into a competency
framework rated on the scale SLUG, and the courses and blocks tagged with its tags into course-to-competency links --
the same checks and all-or-nothing write as the REST endpoint (``competencies.taxonomy_import`` documents the
mapping). Prints the changes and every error; exits non-zero when there is any error. Running it again applies only
what changed in the taxonomy, so it can run from cron after authors retag content.
"""

from django.core.management.base import BaseCommand, CommandError

from ...competencies import api as competencies_api


class Command(BaseCommand):
    help = "Import a competency framework and its course links from an Open edX tagging taxonomy."

    def add_arguments(self, parser):
        parser.add_argument("taxonomy", help="the taxonomy's id, export id or name")
        parser.add_argument("--scale", help="slug of the scale the competencies are rated on (new frameworks)")
        parser.add_argument("--framework", help="slug of the new framework (default: from the taxonomy's name)")
        parser.add_argument("--target-level", type=int, help="level new course links develop to (default: top)")
        parser.add_argument("--dry-run", action="store_true", help="check and show the changes; write nothing")

    def handle(self, *args, **options):
        try:
            info = competencies_api.find_taxonomy(options["taxonomy"])
            result = competencies_api.import_taxonomy(
                info.id,
                scale=options["scale"],
                framework=options["framework"],
                target_level=options["target_level"],
                dry_run=options["dry_run"],
            )
        except competencies_api.TaxonomyNotFound as exc:
            raise CommandError(str(exc)) from exc
        self._report(result, int(options["verbosity"]))
        if result.errors:
            first = result.errors[0]["message"]
            raise CommandError(f"{len(result.errors)} error(s), nothing was written; the first: {first}")

    def _report(self, result, verbosity):
        write = self.stdout.write
        taxonomy = result.taxonomy
        verb = "Dry run of the import of" if result.dry_run else "Imported" if result.applied else "Checked"
        write(f"{verb} taxonomy {taxonomy['id']} '{taxonomy['name']}' as framework '{result.framework}'")
        changes = result.changes
        competencies = changes.get("competencies", {})
        links = changes.get("links", {})
        if competencies:
            write(
                f"  {len(changes['clusters']['new'])} new clusters, {len(competencies['new'])} new competencies, "
                f"{len(competencies['renamed'])} renamed, {len(competencies['moved'])} moved, "
                f"{len(competencies['adopted'])} adopted, {competencies['unchanged']} unchanged, "
                f"{len(competencies['not_in_taxonomy'])} no longer in the taxonomy (kept)"
            )
        if links:
            write(
                f"  {len(links['new'])} new course links, {len(links['changed'])} changed, {links['unchanged']} "
                f"unchanged, {links['no_longer_tagged']} no longer tagged (kept)"
            )
        if verbosity >= 1 and competencies:
            for cluster in changes["clusters"]["new"]:
                write(f"  + cluster {cluster['code']} {cluster['name']}")
            for item in competencies["new"]:
                where = f" (cluster {item['cluster']})" if item["cluster"] else ""
                write(f"  + competency {item['code']} {item['name']}{where}")
            for item in competencies["renamed"]:
                write(f"  ~ competency {item['code']}: '{item['from']}' -> '{item['to']}'")
            for item in competencies["moved"]:
                write(f"  ~ competency {item['code']}: cluster '{item['from']}' -> '{item['to']}'")
            for code in competencies["not_in_taxonomy"]:
                write(f"  ! competency {code} is no longer in the taxonomy (kept)")
        if verbosity >= 2 and links:
            for item in links["new"] + links["changed"]:
                sign = "+" if item in links["new"] else "~"
                block = f" block {item['usage_key']}" if item["usage_key"] else ""
                write(f"  {sign} link {item['course_key']}{block} -> {item['competency']}")
        for reason, skipped in result.skipped.items():
            write(f"  skipped {skipped['count']} object(s): {reason}")
        for error in result.errors:
            where = f"tag '{error['tag']}': " if error["tag"] else ""
            self.stderr.write(f"  error: {where}{error['message']}")
