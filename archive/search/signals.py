from haystack.signals import BaseSignalProcessor


class ArticleSignalProcessor(BaseSignalProcessor):
    pass
