"""The admin's upload page: run the importer on uploaded files and show its report."""

import re
import shutil
import tempfile
from pathlib import Path, PurePath

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from archive.forms import ArticleUploadForm
from archive.services import article_import

_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def _safe_name(name, number):
    base = _UNSAFE_NAME.sub("_", PurePath(name.replace("\\", "/")).name).lstrip(".") or "upload"
    return f"{number:03d}-{base}"


class ArticleUploadView(View):
    """Import uploaded article files through the same importer as `import_articles`."""

    model_admin = None
    template_name = "admin/archive/article/upload.html"

    def dispatch(self, request, *args, **kwargs):
        # Staff status opens the admin; importing adds and changes articles.
        if not (self.model_admin.has_add_permission(request) and self.model_admin.has_change_permission(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(request, ArticleUploadForm())

    def post(self, request):
        form = ArticleUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        workdir = Path(tempfile.mkdtemp(prefix="archive-upload-"))
        try:
            paths, names = [], {}
            for number, upload in enumerate(form.cleaned_data["files"], start=1):
                target = workdir / _safe_name(upload.name, number)
                with open(target, "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                paths.append(target)
                names[str(target)] = PurePath(upload.name).name
            report = article_import(
                paths=paths,
                source=form.cleaned_data["source"].strip(),
                published=form.cleaned_data["published"],
                dry_run=form.cleaned_data["dry_run"],
                display_names=names,
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return self.render(request, ArticleUploadForm(), report=report, dry_run=form.cleaned_data["dry_run"])

    def render(self, request, form, **extra):
        opts = self.model_admin.model._meta
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "title": _("Upload articles"),
            "form": form,
            **extra,
        }
        return TemplateResponse(request, self.template_name, context)
