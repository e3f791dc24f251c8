from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core import validators as django_validators
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from archive.importing import SUPPORTED_SUFFIXES, parse_published, suffix_of
from archive.search.types import SearchParams


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ArticleUploadForm(forms.Form):
    files = MultipleFileField(
        allow_empty_file=True,  # an empty file is reported by the importer, beside the others
        label=_("Files"),
        widget=MultipleFileInput(attrs={"accept": ",".join(SUPPORTED_SUFFIXES)}),
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("For records that name no source.")
    )
    published = forms.CharField(
        label=_("Publication date"),
        max_length=40,
        required=False,
        help_text=_("ISO 8601 date or date-time (e.g. 2019-11-26), for records that have none."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False, help_text=_("Check the files and report, without saving anything.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Seed-format .txt, .jsonl, .jsonl.gz, .csv or .zip; at most %(size)s in all."
        ) % {"size": filesizeformat(settings.ARCHIVE_UPLOAD_MAX_BYTES)}

    def clean_files(self):
        files = self.cleaned_data["files"]
        total = sum(f.size for f in files)
        if total > settings.ARCHIVE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The files add up to %(size)s; the limit is %(max)s.")
                % {"size": filesizeformat(total), "max": filesizeformat(settings.ARCHIVE_UPLOAD_MAX_BYTES)}
            )
        for f in files:
            if suffix_of(PurePath(f.name).name) not in SUPPORTED_SUFFIXES:
                raise forms.ValidationError(
                    _("“%(name)s” is not a .txt, .jsonl, .jsonl.gz, .csv or .zip file.") % {"name": f.name}
                )
        return files

    def clean_published(self):
        value = self.cleaned_data["published"].strip()
        if not value:
            return None
        try:
            return parse_published(value)
        except ValueError:
            raise forms.ValidationError(_("Enter an ISO 8601 date or date-time, such as 2019-11-26."))


class FlagField(forms.BooleanField):
    """A yes/no parameter: 1/true/on/yes and 0/false/off/no (or absent), anything else an error.

    Django's checkbox would read ``exact=0`` as "on"; scripts calling the API say 0.
    """

    widget = forms.TextInput
    TRUE = {"1", "true", "on", "yes"}
    FALSE = {"", "0", "false", "off", "no"}

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Use 1 (yes) or 0 (no)."), code="invalid")

    def validate(self, value):
        pass


class SearchForm(forms.Form):
    """Validate the search parameters shared by the results page, the API, exports and feeds.

    Every parameter has a name that the API's error messages repeat, so that a
    researcher's script can tell which one was wrong.
    """

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    source = forms.MultipleChoiceField(label=_("Source"), required=False)
    date_from = forms.DateField(label=_("From (Gregorian)"), required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(label=_("To (Gregorian)"), required=False, input_formats=["%Y-%m-%d"])
    hijri_from = forms.CharField(label=_("From (Hijri)"), required=False, max_length=10)
    hijri_to = forms.CharField(label=_("To (Hijri)"), required=False, max_length=10)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)
    month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    exact = FlagField(label=_("Exact forms only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("relevance", _("Relevance")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)
    page_size = forms.IntegerField(label=_("Results per page"), required=False, min_value=1)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        from archive.selectors import source_slugs

        self.fields["source"].choices = [(slug, slug) for slug in source_slugs()]
        self.fields["page_size"].max_value = settings.ARCHIVE_PAGE_SIZE_MAX
        self.fields["page_size"].validators.append(
            django_validators.MaxValueValidator(settings.ARCHIVE_PAGE_SIZE_MAX)
        )
        self.fields["q"].max_length = settings.ARCHIVE_QUERY_MAX_CHARS
        self.fields["q"].validators.append(django_validators.MaxLengthValidator(settings.ARCHIVE_QUERY_MAX_CHARS))

    def clean_q(self):
        value = self.cleaned_data["q"]
        # Control characters carry no meaning in a query; drop them instead of failing.
        return "".join(ch for ch in value if ch in "\t\n" or ch.isprintable()).strip()

    def _clean_hijri(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return None
        from archive.dates import hijri_to_gregorian

        try:
            return hijri_to_gregorian(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a Hijri date as YYYY-MM-DD (for example 1441-03-29)."), code="invalid"
            )

    def clean_hijri_from(self):
        return self._clean_hijri("hijri_from")

    def clean_hijri_to(self):
        return self._clean_hijri("hijri_to")

    def clean(self):
        data = super().clean()
        date_from = data.get("date_from") or data.get("hijri_from")
        date_to = data.get("date_to") or data.get("hijri_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        if data.get("month") and not data.get("year"):
            self.add_error("month", _("Choose a year before a month."))
        return data

    def params(self):
        """Return the validated :class:`SearchParams` (call after is_valid())."""
        data = self.cleaned_data
        return SearchParams(
            q=data.get("q") or "",
            sources=tuple(data.get("source") or ()),
            date_from=data.get("date_from") or data.get("hijri_from"),
            date_to=data.get("date_to") or data.get("hijri_to"),
            year=data.get("year"),
            month=data.get("month"),
            exact=bool(data.get("exact")),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            page_size=data.get("page_size") or settings.ARCHIVE_PAGE_SIZE_DEFAULT,
        )

    def error_list(self):
        """Return [(parameter, message)] for every invalid parameter."""
        return [(name, str(messages[0])) for name, messages in self.errors.items()]


class TimelineForm(SearchForm):
    """The search parameters plus the period to count by."""

    interval = forms.ChoiceField(
        label=_("Interval"),
        required=False,
        choices=[("year", _("Year")), ("month", _("Month"))],
    )


class ExportForm(SearchForm):
    """The search parameters plus the file format."""

    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("csv", "CSV"), ("jsonl", "JSON Lines")])
