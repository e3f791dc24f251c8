import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from archive.importing import parse_published
from archive.services import FAILED, SKIPPED, article_import


class Command(BaseCommand):
    help = (
        "Import articles from seed-format .txt, .jsonl, .jsonl.gz and .csv files, folders "
        "(recursively) and .zip archives. Re-importing updates by external_id."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .zip archives")
        parser.add_argument("--source", default="", help="source name for records that have none")
        parser.add_argument(
            "--published", default="", help="ISO 8601 date or date-time for records that have none"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--no-index", action="store_true", help="do not update the search index (run update_index later)"
        )

    def handle(self, *paths, **options):
        published = None
        if options["published"]:
            try:
                published = parse_published(options["published"])
            except ValueError:
                raise CommandError(
                    _("--published is not an ISO 8601 date or date-time: %(value)s") % {"value": options["published"]}
                )
        verbosity = options["verbosity"]

        def show(outcome):
            if outcome.status in (FAILED, SKIPPED):
                self.stderr.write(str(outcome))
            elif verbosity >= 2:
                self.stdout.write(str(outcome))

        started = time.monotonic()
        report = article_import(
            paths=options["paths"],
            source=options["source"].strip(),
            published=published,
            dry_run=options["dry_run"],
            on_outcome=show,
            update_index=not options["no_index"],
            index_alongside=True,
        )
        elapsed = time.monotonic() - started
        total = report.created + report.updated + report.unchanged
        summary = _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed, "
            "%(skipped)d files skipped (%(rate).0f articles/s)"
        ) % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": report.failed,
            "skipped": report.skipped,
            "rate": total / elapsed if elapsed > 0 else 0,
        }
        if options["dry_run"]:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
        if report.failed:
            raise CommandError(
                _("%(count)d records failed; see the lines above.") % {"count": report.failed}, returncode=1
            )
