import sys

from django.core.management.base import BaseCommand

from archive.analysis.analyzers import analyze_terms


class Command(BaseCommand):
    help = (
        "Print the search terms that the archive indexes for each TEXT argument "
        "(or each line of standard input), space-separated, one line per input."
    )

    def add_arguments(self, parser):
        parser.add_argument("texts", nargs="*", metavar="TEXT", help="Text to analyze.")
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Print the exact-form field's terms (normalized, not stemmed).",
        )

    def handle(self, *args, **options):
        lines = options["texts"] or (line.rstrip("\n") for line in sys.stdin)
        for line in lines:
            self.stdout.write(" ".join(analyze_terms(line, exact=options["exact"])))
