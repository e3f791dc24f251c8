from django.http import HttpResponse


def search_export(request):
    return HttpResponse("")
