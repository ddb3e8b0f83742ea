"""Load every fixture into a scratch SQLite database and check each quote against its document.

Usage: .venv/bin/python scripts/check_fixtures.py [fixture.json ...]
Prints each problem; exits 1 if any. Useful while transcribing; the tests check the same.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
db = Path(tempfile.mkdtemp()) / "check.sqlite3"
os.environ.update(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{db}", DJANGO_SETTINGS_MODULE="config.settings")

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

from directory.sources import quote_in_document  # noqa: E402

BASE = ["areas", "documents", "risk_levels", "pathways"]
files = sys.argv[1:] or sorted(str(p) for p in (ROOT / "fixtures").glob("*.json") if p.stem not in BASE)
call_command("migrate", verbosity=0)
call_command("loaddata", *[str(ROOT / "fixtures" / f"{b}.json") for b in BASE], verbosity=0)
problems = 0
for f in files:
    try:
        call_command("loaddata", f, verbosity=0)
    except Exception as exc:  # noqa: BLE001
        print(f"{f}: does not load: {exc}")
        problems += 1
        continue
docs = {
    d["fields"]["slug"]: d["fields"]["filename"] for d in json.loads((ROOT / "fixtures/documents.json").read_text())
}
for f in files:
    for obj in json.loads(Path(f).read_text()):
        fields = obj["fields"]
        if "quote" in fields and "document" in fields:
            doc = fields["document"][0] if isinstance(fields["document"], list) else fields["document"]
            if not quote_in_document(fields["quote"], docs[doc]):
                print(f"{f}: {obj['model']} quote not found in {doc}: {fields['quote']!r}")
                problems += 1
            if len(fields["quote"].split()) > 25:
                print(f"{f}: {obj['model']} quote over 25 words: {fields['quote']!r}")
                problems += 1
print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
