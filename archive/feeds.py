"""An Atom feed per search, and the OpenSearch description for browsers' search boxes."""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from archive.api import (
    error_response,
    html_to_text,
    public_api,
    search_error_parameter,
    search_query_string,
)
from archive.forms import SearchForm
from archive.selectors import article_search

FEED_SIZE = 50
SUMMARY_CHARS = 300
# XML 1.0 has no place for these; imported text may still hold them.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """Return ``value`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID_RE.sub("", value or "")


class PlainTextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries: a reader shows them as text, never renders them as HTML."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class _InvalidSearch(Exception):
    def __init__(self, errors):
        self.errors = errors


class SearchFeed(Feed):
    """The newest articles matching a search (the same parameters as the results page)."""

    feed_type = PlainTextAtomFeed

    def __call__(self, request, *args, **kwargs):
        return public_api(self._respond)(request, *args, **kwargs)

    def _respond(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _InvalidSearch as invalid:
            return error_response(invalid.errors)

    def get_object(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise _InvalidSearch(form.error_list())
        params = form.params().with_changes(sort="newest", page=1, page_size=FEED_SIZE)
        page = article_search(params=params)
        if page.error:
            raise _InvalidSearch([(search_error_parameter(page), page.error)])
        return page

    def title(self, page):
        if page.params.q:
            return xml_text(_("Arabic news archive: “%(query)s”") % {"query": page.params.q})
        return _("Arabic news archive: newest articles")

    def subtitle(self, page):
        return _("The newest articles matching the search, newest first.")

    def link(self, page):
        return reverse("archive:search") + "?" + search_query_string(page.params)

    def feed_url(self, page):
        # The feed is always newest first, so its own address carries no sort.
        return reverse("archive:search_feed") + "?" + search_query_string(page.params.with_changes(sort="relevance"))

    def author_name(self):
        return _("Arabic news archive")

    def items(self, page):
        return page.hits

    def item_title(self, hit):
        return xml_text(hit.article.title)

    def item_link(self, hit):
        return hit.article.get_absolute_url()

    def item_description(self, hit):
        text = " ".join(html_to_text(s) for s in hit.snippets) or hit.article.body
        text = " ".join(xml_text(text).split())
        return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")

    def item_author_name(self, hit):
        return xml_text(hit.article.author) or None

    def item_pubdate(self, hit):
        return hit.article.published

    def item_updateddate(self, hit):
        # Atom requires <updated>; an undated article has only the time it entered the archive.
        return hit.article.published or hit.article.created

    def item_categories(self, hit):
        return [xml_text(hit.article.source.name)] if hit.article.source else []


def opensearch(request):
    """Describe the archive's search for browsers (OpenSearch 1.1)."""

    def template(name):
        return request.build_absolute_uri(reverse(name)) + "?q={searchTerms}"

    context = {
        "html_template": template("archive:search"),
        "atom_template": template("archive:search_feed"),
        "json_template": template("archive:api_search"),
        "self_url": request.build_absolute_uri(reverse("archive:opensearch")),
        "home_url": request.build_absolute_uri(reverse("archive:home")),
    }
    return render(request, "opensearch.xml", context, content_type="application/opensearchdescription+xml")
