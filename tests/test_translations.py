"""The Welsh catalogue is complete, compiled, and used."""

import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

PO = settings.BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def msgids(po_text):
    """The msgids of a .po file (header excluded), joined across continuation lines."""
    ids, current, in_id = set(), [], False
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[6:].strip('"')], True
        elif in_id and line.startswith('"'):
            current.append(line.strip('"'))
        else:
            if in_id and "".join(current):
                ids.add("".join(current))
            in_id = False
    return ids


@pytest.mark.slow
def test_every_string_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated message" in result.stderr


@pytest.mark.slow
def test_the_catalogue_holds_every_marked_string(tmp_path):
    """makemessages on a copy of the project finds nothing the catalogue lacks."""
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "staticfiles", "*.sqlite3", "__pycache__"),
    )
    (copy / "locale" / "cy" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "cy", "--ignore=static", "-v0"],
        cwd=copy,
        check=True,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    fresh = msgids((copy / "locale" / "cy" / "LC_MESSAGES" / "django.po").read_text())
    assert fresh - msgids(PO.read_text()) == set()


@pytest.mark.django_db
def test_pages_are_in_welsh_when_welsh_is_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get(reverse("directory:service-search"), {"area": "cardiff"})
    body = response.content.decode()
    assert '<html lang="cy"' in body
    assert "Caerdydd" in body  # the area's Welsh name from the reference data
    assert "Skip to main content" not in body


@pytest.mark.django_db
def test_the_language_switch_keeps_the_page_and_its_query(client):
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/services/?area=cardiff&risk=high"})
    assert response.status_code == 302
    assert response["Location"] == "/services/?area=cardiff&risk=high"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


def test_the_shared_vocabulary_in_the_fixtures_is_in_the_catalogue():
    import json

    from directory.vocabulary import NAMES

    fixtures = settings.BASE_DIR / "fixtures"
    names = {
        o["fields"]["name"]
        for f in ("risk_levels.json", "pathways.json")
        for o in json.loads((fixtures / f).read_text())
    }
    assert names <= set(NAMES)


@pytest.mark.django_db
def test_risk_levels_and_routes_are_named_in_welsh(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    body = client.get(reverse("directory:service-search"), {"area": "merthyr-tydfil", "risk": "high"}).content.decode()
    assert "High risk" not in body
