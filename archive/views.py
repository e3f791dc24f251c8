"""Pages for researchers (placeholder views; the interface issue fills them in)."""

from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import get_object_or_404

from archive.models import Article, Source


def _stub(request, *args, **kwargs):
    return HttpResponse("")


home = search = search_timeline_csv = article_bibtex = article_ris = _stub
source_list = browse = browse_year = browse_month = browse_day = help_page = _stub


def article_detail(request, external_id):
    article = get_object_or_404(Article, external_id=external_id)
    return HttpResponse(article.title)


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    return HttpResponse(source.name)


def page_not_found(request, exception=None):
    return HttpResponseNotFound("")


def server_error(request):
    return HttpResponseServerError("")
