"""Settings for the test suite: everything the tests write goes to a temporary directory."""

import atexit
import os
import shutil
import tempfile

if os.environ.get("ARCHIVE_TEST_DATA_DIR"):
    os.environ["ARCHIVE_DATA_DIR"] = os.environ["ARCHIVE_TEST_DATA_DIR"]
else:
    _data_dir = tempfile.mkdtemp(prefix="archive-test-")
    os.environ["ARCHIVE_DATA_DIR"] = _data_dir
    # The directory is this process's own: remove it when the run ends.
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

from archive.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
