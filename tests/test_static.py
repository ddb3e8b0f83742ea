"""Production static files: collectstatic with the manifest storage passes on the repository alone."""

import json
import re

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_manifest_storage_hashes_every_file_the_css_refers_to(tmp_path):
    """The manifest storage rewrites every url() in the CSS and fails if a file is missing."""
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", manifest["css/app.css"])
    assert re.fullmatch(r"js/app\.[0-9a-f]{12}\.js", manifest["js/app.js"])
    assert (tmp_path / manifest["css/app.css"]).is_file()


def test_the_stylesheet_refers_to_no_crown_and_no_gds_transport_font():
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert "govuk-crest" not in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "/static/vendor/" not in css
