"""Benchmark: the key pages at two sizes of the region, through a real server.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench \\
          .venv/bin/python bench/pages.py --scales 25 250
(scale N gives 200·N pathways: 25 → 5,000, 250 → 50,000; without DATABASE_URL a fresh SQLite
file is used, which serialises writers and says little about concurrency.)

For each size it builds the demo region in a fresh database, starts gunicorn on it (two worker
processes with four threads each, as on this machine's two cores), and logs the personas in
through the real login with both factors. Per page and persona it reports the response size,
the SQL queries of one request (counted in-process with Django's test client, as the tests do),
the median time of a request with 1 and with 8 clients at once, and each median's ratio to the
cheapest authenticated page (the account's security page) measured just before and just after
it with as many clients (the mean of the two: a machine whose speed drifts during the run
moves both); then, for every page, where its time goes in-process: its SQL statements alone,
its templates alone (without the SQL they run) and the rest (the view's Python and the ORM
building queries).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from common import ROOT, build_region, setup_django

BASELINE = "baseline (security page)"
BASELINE_PATH = "/account/beveiliging/"


@dataclass
class Row:
    persona: str
    page: str
    size: int
    queries: int
    p50_one: float
    p50_eight: float
    floor: Floor
    # The baseline's medians measured around this page (before and after it, averaged), so
    # that the machine's drift during a run moves a page and its baseline together.
    base_one: float
    base_eight: float

    @property
    def ratio_one(self) -> float:
        return self.p50_one / self.base_one

    @property
    def ratio_eight(self) -> float:
        return self.p50_eight / self.base_eight


@dataclass
class Floor:
    """Where one request's time goes, measured in-process (medians): all of it, the SQL
    statements alone, and the templates alone (without the SQL run while rendering)."""

    total: float
    sql: float
    template: float


class Clock:
    """Adds up the time of SQL statements and of (outermost) template renders."""

    def __init__(self) -> None:
        self.sql = self.template = self.sql_in_template = 0.0
        self.depth = 0

    def execute(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            if self.depth:
                self.sql_in_template += spent

    def timing_renders(self, render: Any) -> Any:
        def timed(template: Any, context: Any) -> Any:
            self.depth += 1
            started = time.perf_counter()
            try:
                return render(template, context)
            finally:
                self.depth -= 1
                if not self.depth:
                    self.template += time.perf_counter() - started

        return timed


class Browser:
    """A keep-alive HTTP client with cookies: one logged-in person."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, data, dict(response.headers)

    def csrf(self, path: str) -> str:
        _, page, _ = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, path
        return found.group(1).decode()

    def log_in(self, email: str, password: str, code: str) -> None:
        login = "/account/inloggen/"
        token = self.csrf(login)
        status, _, headers = self.request(
            "POST", login, {"csrfmiddlewaretoken": token, "email": email, "password": password}
        )
        assert status == 302, (email, status)
        verify = headers["Location"]
        token = self.csrf(verify)
        status, _, _ = self.request("POST", verify, {"csrfmiddlewaretoken": token, "token": code})
        assert status == 302, (email, "second factor", status)

    def get(self, path: str) -> tuple[float, int]:
        started = time.perf_counter()
        status, body, _ = self.request("GET", path)
        assert status == 200, (path, status)
        return time.perf_counter() - started, len(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "schakel.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def persona_pages(email: str) -> dict[str, str]:
    """The key pages, filled in with this persona's own patient, meeting and hospital."""
    from schakel.accounts.models import User
    from schakel.directory.models import ContactTopic, TumourType
    from schakel.mdo.access import meetings_for
    from schakel.pathways.access import visible_pathways

    user = User.objects.get(email=email)
    pathway = visible_pathways(user).exclude(phase="closed").order_by("pk").first()
    meeting = meetings_for(user).order_by("-starts_at").first()
    where = pathway.hospitals.order_by("pk").first() if pathway else None
    hospital = where.hospital_id if where else None
    breast = TumourType.objects.get(code="borstkanker")
    topic = ContactTopic.objects.get(code="bijwerkingen")
    pages = {
        BASELINE: BASELINE_PATH,
        "Vandaag": "/vandaag/",
        "Mijn patiënten": "/trajecten/",
        "inbox": "/meldingen/",
        "questions": "/vragen/",
    }
    if hospital:
        pages["contact finder"] = (
            f"/wegwijzer/?hospital={hospital}&tumour_type={breast.pk}&topic={topic.pk}"
        )
    if pathway:
        pages["pathway page"] = pathway.get_absolute_url()
        pages["patient page"] = pathway.patient.get_absolute_url()
    if meeting:
        pages["MDO agenda"] = meeting.get_absolute_url()
    return pages


def in_process(email: str, pages: dict[str, str], repeat: int) -> dict[str, tuple[int, Floor]]:
    """Per page, the SQL queries of one request (as the tests count them) and its floor."""
    from django.db import connection
    from django.template.base import Template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schakel.accounts.idle import LAST_ACTIVE, _minute
    from schakel.accounts.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.create(user=user, name="bench-queries", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[LAST_ACTIVE] = _minute()
    session.save()
    found = {}
    for name, path in pages.items():
        client.get(path)  # the steady state: a first visit may write once
        connection.queries_log.clear()  # as in common.measure: a request empties it first
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200, path
        queries = len(captured)  # now: it reads the query log, which the next request empties
        totals, sqls, templates = [], [], []
        for _ in range(repeat):
            clock = Clock()
            with (
                connection.execute_wrapper(clock.execute),
                mock.patch.object(Template, "render", clock.timing_renders(Template.render)),
            ):
                started = time.perf_counter()
                client.get(path)
                totals.append(time.perf_counter() - started)
            sqls.append(clock.sql)
            templates.append(clock.template - clock.sql_in_template)
        floor = Floor(*(statistics.median(x) for x in (totals, sqls, templates)))
        found[name] = (queries, floor)
    return found


def p50(browsers: list[Browser], path: str, repeat: int) -> tuple[float, int]:
    """Median seconds per request with ``len(browsers)`` clients at once, and the size."""
    sizes: list[int] = []

    def one(browser: Browser) -> list[float]:
        timings = []
        for _ in range(repeat):
            seconds, size = browser.get(path)
            timings.append(seconds)
            sizes.append(size)
        return timings

    browsers[0].get(path)  # warm
    with ThreadPoolExecutor(len(browsers)) as pool:
        timings = [t for result in pool.map(one, browsers) for t in result]
    return statistics.median(timings), max(sizes)


def bracketed(browsers: list[Browser], path: str, repeat: int) -> tuple[float, float, int]:
    """The page's median between two of the baseline's, with as many clients: (page,
    baseline, size)."""
    before, _ = p50(browsers, BASELINE_PATH, repeat)
    page, size = p50(browsers, path, repeat)
    after, _ = p50(browsers, BASELINE_PATH, repeat)
    return page, (before + after) / 2, size


def run_scale(scale: int, repeat: int, personas: list[str]) -> list[Row]:
    from django.db import connections
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from tests.test_two_factor import current_token

    from schakel.accounts.models import User
    from schakel.demo.builder import DEMO_PASSWORD

    built = build_region(scale)
    print(f"  scale {scale}: region built in {built:.0f} s", flush=True)
    plan = {email: persona_pages(email) for email in personas}
    measured = {email: in_process(email, pages, repeat) for email, pages in plan.items()}
    logins: dict[str, list[Browser]] = {}
    connections.close_all()
    port = free_port()
    server = start_server(port)
    try:
        for email in personas:
            browsers = []
            for n in range(8):  # eight people at once, each logged in with both factors
                user = User.objects.get(email=email)
                device = TOTPDevice.objects.create(user=user, name=f"bench-{n}", confirmed=True)
                browser = Browser(port)
                browser.log_in(email, DEMO_PASSWORD, current_token(device))
                browsers.append(browser)
            logins[email] = browsers
        rows = []
        for email, pages in plan.items():
            for name, path in pages.items():
                one, base_one, size = bracketed(logins[email][:1], path, repeat)
                eight, base_eight, _ = bracketed(logins[email], path, max(2, repeat // 4))
                queries, floor = measured[email][name]
                persona = email.split("@")[0]
                rows.append(
                    Row(persona, name, size, queries, one, eight, floor, base_one, base_eight)
                )
        return rows
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def report(scale: int, rows: list[Row]) -> None:
    print(f"\nscale {scale} ({200 * scale:,} pathways)")
    print(
        f"{'persona':<12} {'page':<26} {'bytes':>8} {'queries':>7} "
        f"{'p50 1':>8} {'ratio':>6} {'p50 8':>8} {'ratio':>6}"
    )
    for row in rows:
        print(
            f"{row.persona:<12} {row.page:<26} {row.size:>8,} {row.queries:>7} "
            f"{row.p50_one * 1000:>6.1f}ms {row.ratio_one:>6.2f} "
            f"{row.p50_eight * 1000:>6.1f}ms {row.ratio_eight:>6.2f}"
        )
    print(
        "\nwhere the time goes, in-process (medians): a page over 3× the baseline cannot go"
        "\nbelow its SQL and its templates without asking or showing less"
    )
    print(
        f"{'persona':<12} {'page':<26} {'all':>8} {'SQL':>8} {'template':>9} {'the rest':>9} "
        f"{'SQL+template':>13}"
    )
    for row in rows:
        f = row.floor
        rest = f.total - f.sql - f.template
        print(
            f"{row.persona:<12} {row.page:<26} {f.total * 1000:>6.1f}ms {f.sql * 1000:>6.1f}ms "
            f"{f.template * 1000:>7.1f}ms {rest * 1000:>7.1f}ms "
            f"{(f.sql + f.template) * 1000:>11.1f}ms"
        )


def compare(small: int, large: int, results: dict[int, list[Row]]) -> None:
    """Side by side: what a page sends and asks must not grow with the country."""
    print(f"\nscale {small} → {large}: the same page for the same persona")
    print(
        f"{'persona':<12} {'page':<26} {'bytes':>17} {'queries':>9} "
        f"{'p50 1 ratio':>13} {'p50 8 ratio':>13}"
    )
    before = {(row.persona, row.page): row for row in results[small]}
    for row in results[large]:
        old = before.get((row.persona, row.page))
        if old is None:
            continue
        print(
            f"{row.persona:<12} {row.page:<26} {old.size:>8,}→{row.size:>8,} "
            f"{old.queries:>4}→{row.queries:>4} {old.ratio_one:>6.2f}→{row.ratio_one:<6.2f} "
            f"{old.ratio_eight:>6.2f}→{row.ratio_eight:<6.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--personas",
        nargs="+",
        default=["huisarts@schakel.test", "casemanager@schakel.test", "specialist@schakel.test"],
    )
    args = parser.parse_args()
    vendor = setup_django()
    print(f"database: {vendor}; gunicorn 2 workers × 4 threads; {args.repeat} requests per page")
    results = {}
    for scale in args.scales:
        results[scale] = run_scale(scale, args.repeat, args.personas)
        report(scale, results[scale])
    if len(args.scales) >= 2:
        compare(args.scales[0], args.scales[-1], results)


if __name__ == "__main__":
    main()
