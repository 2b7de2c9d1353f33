"""Issue 12, point 1: nothing a page sends grows with the country.

Every page of the persona sweep is fetched as every member in a region larger than any page
shows, and again after as many hospitals, practices and people again arrive (none of whom the
personas work with).
The response size and the number of queries must stay the same: pickers offer the candidates
that matter and a search finds the rest; long lists page.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from schakel.directory.models import Function, Organization, OrganizationKind
from tests.base import body_of, make_person
from tests.test_persona_sweep import SweepRegion

# Bytes a page may differ by between the two runs: ids and counters that gain a digit.
SLACK_BYTES = 200
COUNTRY = 30  # hospitals and practices added, with their people


class PageSizeTests(SweepRegion):
    def measure(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        found: dict[tuple[str, str], tuple[int, int, int]] = {}
        # The POH sees what the GP sees; the four others differ in every list.
        for member in (self.gp, self.specialist, self.case_manager, self.coordinator):
            self.login(member)
            for name, url in self.urls():
                # Django keeps the last 9,000 queries; past that, a capture counts nothing.
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url)
                size = len(body_of(response)) if response.status_code == 200 else 0
                found[(member.email, name)] = (response.status_code, size, len(queries))
        return found

    def add_the_country(self, start: int) -> None:
        for n in range(start, start + COUNTRY):

            def org(kind: OrganizationKind, name: str, n: int = n) -> Organization:
                return Organization.objects.create(
                    region=self.region, kind=kind, name=f"{name} {n:03d}", city=f"Stad{n:03d}"
                )

            hospital = org(OrganizationKind.HOSPITAL, "Ziekenhuis Verweg")
            practice = org(OrganizationKind.GP_PRACTICE, "Huisartsenpraktijk Verweg")
            for function in (Function.MEDICAL_ONCOLOGIST, Function.SURGEON, Function.CASE_MANAGER):
                make_person(None, hospital, function, "Ver", f"Weg{n:03d}{function}")
            make_person(None, practice, Function.GP, "Ver", f"Huisarts{n:03d}")

    def test_no_page_grows_with_the_country(self):
        # A region already larger than any page shows, then twice that: every list is full in
        # both, so what grows is what a page should not send.
        self.add_the_country(0)
        self.measure()  # first visits may write once (a calendar token, a recent hospital)
        before = self.measure()
        self.add_the_country(COUNTRY)
        after = self.measure()
        grown = []
        for key, (status, size, queries) in before.items():
            status_after, size_after, queries_after = after[key]
            if (status, queries) != (status_after, queries_after) or abs(
                size_after - size
            ) > SLACK_BYTES:
                was, now = (
                    f"{status}/{size}B/{queries}q",
                    f"{status_after}/{size_after}B/{queries_after}q",
                )
                grown.append(f"{key}: {was} → {now}")
        self.assertEqual(grown, [], "\n".join(grown))
