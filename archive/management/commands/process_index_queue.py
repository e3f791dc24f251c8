from django.core.management.base import BaseCommand, CommandError

from archive.search.backend import IndexBusy
from archive.search.indexing import index_flush_pending


class Command(BaseCommand):
    help = "Apply the queued search-index updates (left behind when the index was busy)."

    def handle(self, *args, **options):
        try:
            applied = index_flush_pending()
        except IndexBusy as exc:
            raise CommandError(f"{exc}; the updates stay queued", returncode=1)
        self.stdout.write(f"applied {applied} queued index updates")
