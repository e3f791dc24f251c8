"""A fingerprint of the Arabic analysis, stored with every indexed document."""

import functools
import hashlib
from pathlib import Path


@functools.cache
def analysis_version() -> str:
    """Return a short digest of the analysis package's source: it changes whenever the indexed terms may."""
    # The source, not a sample of its output: a new broken plural or suffix rule
    # changes terms that no fixed sample would show.
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
