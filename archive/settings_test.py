"""Settings for the test suite: everything the tests write goes to a temporary directory."""

import os
import tempfile

os.environ["ARCHIVE_DATA_DIR"] = os.environ.get("ARCHIVE_TEST_DATA_DIR") or tempfile.mkdtemp(
    prefix="archive-test-"
)

from archive.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
