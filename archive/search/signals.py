"""Queue index updates when articles, their images or their sources change."""

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from archive.models import Article, ArticleImage, Source


class ArticleSignalProcessor(BaseSignalProcessor):
    """Queue an index update in the same transaction as every change that shows in search.

    Fixtures loaded with ``loaddata`` (raw saves) are not queued: after loading
    them, build the index with ``rebuild_index``.
    """

    def setup(self):
        signals.post_save.connect(self.article_changed, sender=Article)
        signals.post_delete.connect(self.article_changed, sender=Article)
        signals.post_save.connect(self.image_changed, sender=ArticleImage)
        signals.post_delete.connect(self.image_changed, sender=ArticleImage)
        signals.post_save.connect(self.source_changed, sender=Source)

    def teardown(self):
        signals.post_save.disconnect(self.article_changed, sender=Article)
        signals.post_delete.disconnect(self.article_changed, sender=Article)
        signals.post_save.disconnect(self.image_changed, sender=ArticleImage)
        signals.post_delete.disconnect(self.image_changed, sender=ArticleImage)
        signals.post_save.disconnect(self.source_changed, sender=Source)

    @staticmethod
    def _queue(article_ids):
        from archive.search.indexing import index_update_articles

        index_update_articles(article_ids=list(article_ids))

    def article_changed(self, sender, instance, raw=False, **kwargs):
        if not raw:
            self._queue([instance.pk])

    def image_changed(self, sender, instance, raw=False, **kwargs):
        if not raw and instance.article_id:
            self._queue([instance.article_id])

    def source_changed(self, sender, instance, raw=False, created=False, **kwargs):
        if not raw and not created:
            self._queue(instance.articles.values_list("pk", flat=True))
