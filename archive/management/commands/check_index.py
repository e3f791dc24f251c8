from django.core.management.base import BaseCommand, CommandError

from archive.search.backend import IndexBusy
from archive.search.indexing import index_compare, index_flush_pending, index_repair


class Command(BaseCommand):
    help = (
        "Compare the database with the search index (missing, stale and orphaned documents) "
        "and, with --repair, bring the index back in line. Exits 1 when drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="re-index or remove what differs")

    def handle(self, *args, **options):
        try:
            if options["repair"]:
                flushed = index_flush_pending()
                if flushed:
                    self.stdout.write(f"applied {flushed} queued index updates")
            report = index_compare()
        except IndexBusy as exc:
            raise CommandError(f"{exc}; try again when the current writer has finished", returncode=1)
        except Exception as exc:
            raise CommandError(
                f"the search index cannot be read ({exc.__class__.__name__}: {exc}). "
                "Rebuild it from the database with: python manage.py rebuild_index --noinput",
                returncode=1,
            )
        self.show(report)
        if report["other_analysis"]:
            self.stdout.write(
                f"{report['other_analysis']} documents were indexed by another version of the Arabic "
                "analysis and are stale; --repair re-indexes them (for most of the archive, "
                "rebuild_index --noinput is faster)"
            )
        drift = sum(len(report[key]) for key in ("missing", "stale", "orphaned", "duplicates"))
        if not drift:
            self.stdout.write("index and database agree")
            return
        if not options["repair"]:
            raise CommandError(f"{drift} documents differ; run check_index --repair", returncode=1)
        repaired = index_repair(report)
        after = index_compare()
        self.stdout.write(f"repaired {repaired} documents")
        self.show(after)
        left = sum(len(after[key]) for key in ("missing", "stale", "orphaned", "duplicates"))
        if left:
            raise CommandError(f"{left} documents still differ", returncode=1)
        self.stdout.write("index and database agree")

    def show(self, report):
        self.stdout.write(
            "database {database}, indexed {indexed}, missing {missing}, stale {stale}, orphaned {orphaned}, "
            "duplicated {duplicates}, queued {pending}, from another analysis {other}".format(
                database=report["database"],
                indexed=report["indexed"],
                missing=len(report["missing"]),
                stale=len(report["stale"]),
                orphaned=len(report["orphaned"]),
                duplicates=len(report["duplicates"]),
                pending=report["pending"],
                other=report["other_analysis"],
            )
        )
