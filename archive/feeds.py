from django.contrib.syndication.views import Feed


class SearchFeed(Feed):
    title = ""
    link = "/"

    def items(self):
        return []


def opensearch(request):
    from django.http import HttpResponse

    return HttpResponse("", content_type="application/opensearchdescription+xml")
