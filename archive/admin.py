from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from archive import admin_views
from archive.models import Article, ArticleImage, Source
from archive.services import article_refresh_content_hash

admin.site.site_header = _("Arabic news archive")
admin.site.site_title = _("Archive administration")
admin.site.index_title = _("Archive administration")


class PublishedYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Article.objects.dates("published", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years] + [("none", _("undated"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(published__isnull=True)
        if value and value.isdigit():
            return queryset.filter(published__year=int(value))
        return queryset


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ("order", "image", "preview", "caption")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.image:
            return format_html('<img src="{}" alt="" style="max-height:80px;max-width:160px">', obj.image.url)
        return "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "published", "image_count", "external_id")
    list_filter = ("source", PublishedYearFilter)
    search_fields = ("title", "external_id", "author")
    date_hierarchy = "published"
    list_select_related = ("source",)
    readonly_fields = ("content_hash", "created", "updated")
    fieldsets = (
        (None, {"fields": ("title", "body", "source", "author")}),
        (_("Date"), {"fields": ("published", "published_precision")}),
        (_("Origin"), {"fields": ("external_id", "url", "language")}),
        (_("Record"), {"fields": ("content_hash", "created", "updated"), "classes": ("collapse",)}),
    )
    inlines = [ArticleImageInline]
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
    change_list_template = "admin/archive/article/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(image_total=Count("images"))

    @admin.display(description=_("images"), ordering="image_total")
    def image_count(self, obj):
        return obj.image_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The content hash covers the captions, which the inline saves after the article.
        article_refresh_content_hash(article=form.instance)

    def get_urls(self):
        upload = self.admin_site.admin_view(admin_views.ArticleUploadView.as_view(model_admin=self))
        return [path("upload/", upload, name="archive_article_upload"), *super().get_urls()]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "homepage", "article_count")
    search_fields = ("name", "slug")
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total
