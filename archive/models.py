import hashlib
import json

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Identifiers appear in permanent links, so they are kept to characters that
# need no escaping in a URL path segment.
EXTERNAL_ID_PATTERN = r"^\w[\w.:-]{0,99}\Z"
external_id_validator = RegexValidator(
    EXTERNAL_ID_PATTERN,
    _("An identifier may hold only letters, digits and . _ : - (at most 100 characters)."),
)


class SourceManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class ArticleManager(models.Manager):
    def get_by_natural_key(self, external_id):
        return self.get(external_id=external_id)


class ArticleImageManager(models.Manager):
    def get_by_natural_key(self, order, external_id):
        return self.get(order=order, article__external_id=external_id)


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    homepage = models.URLField(_("home page"), max_length=500, blank=True)

    objects = SourceManager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:source_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.name,)


class Article(models.Model):
    class DatePrecision(models.TextChoices):
        DATETIME = "datetime", _("date and time")
        DATE = "date", _("date only")

    external_id = models.CharField(
        _("identifier"),
        max_length=100,
        unique=True,
        validators=[external_id_validator],
        help_text=_("The identifier the article had at its origin; generated when absent."),
    )
    title = models.CharField(_("title"), max_length=1000)
    body = models.TextField(_("body"), help_text=_("Plain text; paragraphs separated by blank lines."))
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        related_name="articles",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # An unknown date stays unknown (NULL): it is shown as "undated", never invented.
    published = models.DateTimeField(_("published"), null=True, blank=True)
    published_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        blank=True,
        help_text=_("Whether the source gave a time of day or only a date."),
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    url = models.URLField(_("original URL"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=12, default="ar")
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ArticleManager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = [models.F("published").desc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["published"], name="article_published_idx"),
            models.Index(fields=["source", "published"], name="article_source_published_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("archive:article_detail", kwargs={"external_id": self.external_id})

    def natural_key(self):
        return (self.external_id,)

    natural_key.dependencies = ["archive.source"]

    def paragraphs(self):
        """Return the body's paragraphs as stored, without empty ones."""
        return [p.strip("\n") for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    def captions(self):
        return [image.caption for image in self.images.all()]

    def compute_content_hash(self, captions=None):
        if captions is None:
            captions = self.captions()
        return content_hash(
            title=self.title,
            body=self.body,
            source=self.source.name if self.source_id else "",
            published=self.published.isoformat() if self.published else "",
            published_precision=self.published_precision,
            author=self.author,
            url=self.url,
            language=self.language,
            captions=captions,
        )


class ArticleImage(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="images", on_delete=models.CASCADE
    )
    image = models.ImageField(_("image"), upload_to="images/%Y/%m/", blank=True)
    caption = models.TextField(_("caption"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ArticleImageManager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "order"], name="image_article_order_unique")]

    def __str__(self):
        return self.caption or (self.image.name if self.image else str(self.pk))

    def natural_key(self):
        return (self.order, *self.article.natural_key())

    natural_key.dependencies = ["archive.article"]


def content_hash(*, title, body, source, published, published_precision, author, url, language, captions):
    """Return the SHA-256 of an article's content, to tell an unchanged re-import from an update."""
    payload = json.dumps(
        [title, body, source, published, published_precision, author, url, language, list(captions)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class PendingIndexUpdate(models.Model):
    """An article whose index entry must be brought in line with the database.

    Rows are written in the same transaction as the change they stand for, so an
    index update is never lost: if the index is busy or the process dies, the row
    waits for the next writer (or ``check_index --repair``).
    """

    article_id = models.BigIntegerField(_("article id"), db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")
        ordering = ["id"]

    def __str__(self):
        return f"{self.article_id}"
