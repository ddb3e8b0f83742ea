"""The fault benchmark's clients (bench/fault.py): a cookie-keeping HTTP client, the form parser,
the recorder of every request, and the public and editor client threads."""

import hashlib
import hmac
import html.parser
import http.client
import http.cookies
import re
import secrets
import struct
import threading
import time
import urllib.parse

PASSWORD = "a-long-bench-password-123"
# Every bench editor's authenticator app (two-factor sign-in) holds this key.
AUTHENTICATOR_KEY = "3132333435363738393031323334353637383930"
VERIFY = "/admin/two-factor/verify/?next=/admin/"


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


class Browser:
    """One client: keeps its cookies (Secure ones too: TLS ends at the pretend proxy)."""

    def __init__(self, port, forwarded_for):
        self.port = port
        self.forwarded_for = forwarded_for
        self.cookies = {}

    def request(self, method, path, data=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content.decode("utf-8", "replace")


class FormParser(html.parser.HTMLParser):
    """The fields a browser would submit from one <form>, as a list of (name, value)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append([name, attrs.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
            self.fields.append(self.textarea)
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append([self.select, attrs.get("value", "")])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            if self.textarea is not None and self.textarea[1].startswith("\n"):
                self.textarea[1] = self.textarea[1][1:]  # as browsers drop the first newline
            self.textarea = None
        elif tag == "select":
            self.select = None


# --------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------


class Recorder:
    def __init__(self, origin):
        self.origin = origin
        self.lock = threading.Lock()
        self.rows = []  # (start, end, kind, status or error text)
        self.acknowledged = []  # (service id, value)
        self.refused = []  # (service id, value, status)
        self.form_errors = []

    def record(self, kind, started, outcome):
        with self.lock:
            self.rows.append((started - self.origin, time.monotonic() - self.origin, kind, outcome))

    def call(self, kind, function, *args):
        started = time.monotonic()
        try:
            result = function(*args)
        except (OSError, http.client.HTTPException) as error:
            self.record(kind, started, f"{type(error).__name__}")
            return None
        self.record(kind, started, result[0])
        return result


def public_client(port, number, stop, recorder, pages):
    browser = Browser(port, f"198.51.100.{number + 1}")
    index = number
    while not stop.is_set():
        recorder.call("public", browser.request, "GET", pages[index % len(pages)])
        index += 1


def totp(key_hex, step):
    """The six-digit code an authenticator app shows at time ``step`` (RFC 6238: HMAC-SHA1, 30 s)."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def editor_client(port, number, stop, recorder, service_id, username):
    browser = Browser(port, f"203.0.113.{number + 1}")
    change = f"/admin/directory/service/{service_id}/change/"
    signed_in = False
    sequence = 0
    last_step = -1  # a code is accepted once: a second sign-in in the same 30 s gives the next step's
    while not stop.is_set():
        if not signed_in:
            page = recorder.call("editor-get", browser.request, "GET", "/admin/login/?next=/admin/")
            if not page or page[0] != 200:
                time.sleep(0.2)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[2]).group(1)
            login = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/admin/"}
            result = recorder.call("editor-login", browser.request, "POST", "/admin/login/?next=/admin/", login)
            if not (result and result[0] == 302 and result[1]["Location"] == "/admin/"):
                continue
            # The second factor: the code the editor's authenticator app shows.
            page = recorder.call("editor-get", browser.request, "GET", VERIFY)
            if not page or page[0] != 200:
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[2]).group(1)
            last_step = max(int(time.time()) // 30, last_step + 1)
            code = {"csrfmiddlewaretoken": token, "code": totp(AUTHENTICATOR_KEY, last_step)}
            result = recorder.call("editor-verify", browser.request, "POST", VERIFY, code)
            signed_in = bool(result) and result[0] == 302 and result[1]["Location"] == "/admin/"
            continue
        page = recorder.call("editor-get", browser.request, "GET", change)
        if not page or page[0] != 200:
            if page and page[0] == 302:
                signed_in = False
            time.sleep(0.2)
            continue
        parser = FormParser("service_form")
        parser.feed(page[2])
        sequence += 1
        value = f"bench {username} {sequence} {secrets.token_hex(4)}"
        data = [(k, v) for k, v in parser.fields if k != "funding_note"] + [("funding_note", value), ("_save", "Save")]
        result = recorder.call("editor-save", browser.request, "POST", change, data)
        with recorder.lock:
            if result and result[0] == 302:
                recorder.acknowledged.append((service_id, value))
            else:
                recorder.refused.append((service_id, value, result[0] if result else "no response"))
        if result and result[0] == 200:  # the form did not validate: a fault in the bench, not the app
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', result[2], re.S)
            with recorder.lock:
                recorder.form_errors.append((username, errors[:3]))
            return
        time.sleep(0.25)


def guarded(target, recorder):
    """A client thread that crashes is a fault in the bench: keep the traceback for the report."""

    def run(*args):
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001
            with recorder.lock:
                recorder.form_errors.append((target.__name__, repr(error)))

    return run
