from django.core.management import CommandError, call_command
from haystack.management.commands.rebuild_index import Command as HaystackRebuildCommand

from archive.models import PendingIndexUpdate
from archive.search.backend import ArchiveWhooshBackend, backend


class Command(HaystackRebuildCommand):
    help = (
        "Rebuild the search index from the database: clear it, then index every article "
        "(on Whoosh through one writer, so that the new index is one segment)."
    )

    def handle(self, **options):
        search_backend = backend()
        whoosh = isinstance(search_backend, ArchiveWhooshBackend)
        if whoosh and options.get("workers"):
            raise CommandError("--workers is not supported: a Whoosh index has one writer.")
        # Queued updates older than the rebuild are covered by it.
        last_queued = PendingIndexUpdate.objects.order_by("-id").values_list("id", flat=True).first()
        if whoosh:
            clear_options = {k: v for k, v in options.items() if k not in ("batchsize", "workers", "max_retries")}
            update_options = {k: v for k, v in options.items() if k != "interactive"}
            call_command("clear_index", **clear_options)
            with search_backend.filling():
                call_command("update_index", **update_options)
        else:
            # Elasticsearch and the other engines take haystack's own batched path.
            super().handle(**options)
        if last_queued is not None:
            PendingIndexUpdate.objects.filter(id__lte=last_queued).delete()
        if whoosh:
            search_backend.optimize()
