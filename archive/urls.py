from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from archive import api, exports, feeds, views

app_name = "archive"

archive_patterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/timeline.csv", views.search_timeline_csv, name="search_timeline_csv"),
    path("search/export/", exports.search_export, name="search_export"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
    path("articles/<str:external_id>/", views.article_detail, name="article_detail"),
    path("articles/<str:external_id>/cite.bib", views.article_bibtex, name="article_bibtex"),
    path("articles/<str:external_id>/cite.ris", views.article_ris, name="article_ris"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<str:slug>/", views.source_detail, name="source_detail"),
    path("browse/", views.browse, name="browse"),
    path("browse/<int:year>/", views.browse_year, name="browse_year"),
    path("browse/<int:year>/<int:month>/", views.browse_month, name="browse_month"),
    path("browse/<int:year>/<int:month>/<int:day>/", views.browse_day, name="browse_day"),
    path("help/", views.help_page, name="help"),
    path("opensearch.xml", feeds.opensearch, name="opensearch"),
    path("api/", api.api_docs, name="api_docs"),
    path("api/search/", api.search, name="api_search"),
    path("api/articles/<str:external_id>/", api.article, name="api_article"),
    path("api/timeline/", api.timeline, name="api_timeline"),
    path("api/schema/", api.schema, name="api_schema"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((archive_patterns, "archive"))),
    # Uploaded images; a deployment with shared storage serves them elsewhere.
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
