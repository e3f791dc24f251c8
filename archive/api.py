from django.http import JsonResponse


def _stub(request, *args, **kwargs):
    return JsonResponse({})


api_docs = search = article = timeline = schema = _stub
