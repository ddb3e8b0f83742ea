"""The scale benchmark's load (bench/run.py): the pages it measures, an HTTP client, the client threads
that drive one page at one concurrency, and the percentiles of their latencies."""

import http.client
import re
import statistics
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
RUN_CAP = 60.0  # no single run (one page at one concurrency) goes on longer than this


def pages(t):
    return [
        ("/", "/"),
        ("/services/", "/services/"),
        ("/services/?area&risk=high", f"/services/?area={t['area']}&risk=high"),
        ("/services/?q", f"/services/?q={t['q']}"),
        ("/services/?risk=high", "/services/?risk=high"),
        ("/services/?route=self-referral", "/services/?route=self-referral"),
        ("/services/?harm=stalking", "/services/?harm=stalking"),
        ("/services/?status=all", "/services/?status=all"),
        ("service page", f"/services/{t['service']}/"),
        ("organisation page", f"/organisations/{t['organisation']}/"),
        ("area page", f"/areas/{t['area']}/"),
        ("/areas/", "/areas/"),
        ("/glossary/", "/glossary/"),
        ("GET /find/", "/find/"),
        ("POST /find/", "POST /find/"),
        ("referral pack", f"/find/referral-pack/{t['service']}/"),
        ("/coverage/", "/coverage/"),
        ("/coverage/?as_of&compare", "/coverage/?as_of=2020-11-01&compare=2023-11-17"),
        ("/coverage/cell/", f"/coverage/cell/?area={t['area']}&column=risk:high"),
        ("/coverage/matrix.csv", "/coverage/matrix.csv"),
        ("/coverage/gaps.csv", "/coverage/gaps.csv"),
        ("/coverage/funding/", "/coverage/funding/"),
        ("/coverage/standards/", "/coverage/standards/"),
        ("/services/export.csv", "/services/export.csv"),
        ("/api/oruk/services", "/api/oruk/services"),
        ("/api/oruk/services/<id>", f"/api/oruk/services/{t['api_id']}"),
        ("/api/oruk/datapackage.zip", "/api/oruk/datapackage.zip"),
        ("/open-data/", "/open-data/"),
    ]


class Client:
    def __init__(self, port, area):
        self.port = port
        self.area = area
        self.csrf = None

    def request(self, target):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=RUN_CAP + 60)
        try:
            if target == "POST /find/":
                token, cookie = self.csrf
                body = urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": token, "area": self.area, "risk": "high", "referrer": "social_worker"}
                )
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookie}",
                    "Referer": f"http://{HOST}:{self.port}/find/",
                    "Host": f"{HOST}:{self.port}",
                }
                conn.request("POST", "/find/", body=body, headers=headers)
            else:
                conn.request("GET", target, headers={"Host": f"{HOST}:{self.port}"})
            response = conn.getresponse()
            size = 0
            while chunk := response.read(65536):
                size += len(chunk)
            return response.status, size, response
        finally:
            conn.close()

    def fetch_csrf(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        conn.request("GET", "/find/", headers={"Host": f"{HOST}:{self.port}"})
        response = conn.getresponse()
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
        cookie = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken="))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        self.csrf = (token, cookie)
        conn.close()


def drive(client, target, concurrency, seconds, max_requests):
    """Run ``target`` from ``concurrency`` threads; returns latencies (s), statuses, bytes and wall time."""
    times, statuses, sizes = [], [], []
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + seconds
    cap_at = started + RUN_CAP

    def worker():
        while True:
            now = time.monotonic()
            with lock:
                if now >= stop_at or now >= cap_at or len(times) + pending[0] >= max_requests:
                    return
                pending[0] += 1
            t0 = time.monotonic()
            try:
                status, size, _ = client.request(target)
            except OSError as error:
                status, size = f"error {error.__class__.__name__}", 0
            elapsed = time.monotonic() - t0
            with lock:
                pending[0] -= 1
                times.append(elapsed)
                statuses.append(status)
                sizes.append(size)

    pending = [0]
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, statuses, sizes, time.monotonic() - started


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summarise(times, wall):
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "rps": len(times) / wall if wall else 0.0,
    }
