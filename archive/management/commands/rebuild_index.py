from haystack.management.commands.rebuild_index import Command as HaystackRebuildCommand

from archive.models import PendingIndexUpdate
from archive.search.backend import backend


class Command(HaystackRebuildCommand):
    help = (
        "Rebuild the search index from the database (clear, index every article, then merge "
        "the index into one segment so that searches read one segment, not dozens)."
    )

    def handle(self, **options):
        # Queued updates older than the rebuild are covered by it.
        last_queued = PendingIndexUpdate.objects.order_by("-id").values_list("id", flat=True).first()
        super().handle(**options)
        if last_queued is not None:
            PendingIndexUpdate.objects.filter(id__lte=last_queued).delete()
        backend().optimize()
