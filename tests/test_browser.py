"""In a real browser: a GP logs in with two factors and finds whom to contact."""

from __future__ import annotations

import datetime
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts.models import User
from schakel.demo.builder import DEMO_PASSWORD
from tests.reference import reseed
from tests.test_two_factor import current_token

CHROMIUM = Path(os.environ.get("SCHAKEL_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# The flags that keep Chromium from reaching out to the internet (there is none to reach).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server with the demo region, and a phone-sized page in the system Chromium."""

    playwright: Any
    browser: Any

    @classmethod
    def setUpClass(cls) -> None:
        if not CHROMIUM.exists():
            pytest.fail(f"Chromium not found at {CHROMIUM}; install it (apt-get install chromium).")
        # Playwright's sync API runs an event loop in this thread; the live server's database
        # work happens in its own thread, so Django's async-safety check does not apply here.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        from playwright.sync_api import sync_playwright

        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def setUp(self) -> None:
        reseed()  # an earlier transactional test may have flushed the seeded reference data
        call_command("demo", stdout=StringIO())
        self.gp = User.objects.get(email="huisarts@schakel.test")
        self.device = TOTPDevice.objects.create(user=self.gp, name="telefoon", confirmed=True)
        self.page = self.browser.new_page(viewport={"width": 390, "height": 844})
        self.outside_requests: list[str] = []
        self.page.on("request", self.note_outside_request)

    def note_outside_request(self, request) -> None:
        if not request.url.startswith(self.live_server_url):
            self.outside_requests.append(request.url)

    def tearDown(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self._testMethodName}.png"), full_page=True)
        self.page.close()

    def log_in_as_the_gp(self) -> None:
        self.log_in("huisarts@schakel.test", self.device)

    def log_in(self, email: str, device: TOTPDevice) -> None:
        page = self.page
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.get_by_label("Code uit uw authenticator-app").fill(current_token(device))
        page.get_by_role("button", name="Bevestigen").click()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Uitloggen").click()


@pytest.mark.browser
class GpFindsAContactTests(BrowserTestCase):
    def test_a_gp_logs_in_and_finds_whom_to_call_about_side_effects(self):
        page = self.page
        page.goto(f"{self.live_server_url}/wegwijzer/")
        self.log_in_as_the_gp()
        page.get_by_role("heading", name="Wie benader ik waarvoor?").wait_for()

        page.get_by_label("Ziekenhuis", exact=True).select_option(label="Ziekenhuis Duinstede")
        page.get_by_label("Tumortype").select_option(label="Borstkanker")
        page.get_by_label("Onderwerp").select_option(label="Bijwerkingen tijdens behandeling")
        page.get_by_role("button", name="Toon aanspreekpunten").click()

        summary = page.locator(".match-summary")
        summary.wait_for()
        assert "Beste match" in summary.inner_text()
        first = page.locator(".level--1 .contact").first
        text = first.inner_text()
        assert "verpleegkundig specialist mammacare" in text
        assert "Telefoon" in text and "088" in text
        assert "Bereikbaar" in text
        # htmx swapped the results in and put the choice in the address, so it can be shared.
        assert "tumour_type=" in page.url
        # The two-click report on the best match.
        first.get_by_text("Klopt dit niet?").click()
        first.get_by_role("button", name="Melden bij de coördinator").click()
        page.get_by_text("Dank u. De netwerkcoördinator controleert deze gegevens.").wait_for()
        assert self.outside_requests == []


@pytest.mark.browser
class GpSearchesAHospitalElsewhereTests(BrowserTestCase):
    def test_typing_finds_a_hospital_outside_the_region_and_keeps_the_other_choices(self):
        from schakel.directory.models import Organization, OrganizationKind, Region

        elsewhere = Region.objects.create(name="Noord-Nederland")
        Organization.objects.create(
            region=elsewhere, kind=OrganizationKind.HOSPITAL, name="Ommelander Ziekenhuis"
        )
        page = self.page
        page.goto(f"{self.live_server_url}/wegwijzer/")
        self.log_in_as_the_gp()
        page.get_by_role("heading", name="Wie benader ik waarvoor?").wait_for()
        hospital = page.locator("#id_hospital")
        assert "Ommelander" not in hospital.inner_text()  # not the whole country
        page.get_by_label("Tumortype").select_option(label="Borstkanker")
        # Typing is enough (htmx, after a pause): the hospital list gains what was found.
        page.locator("#id_ziekenhuis_zoeken").press_sequentially("ommel", delay=50)
        page.locator("#id_hospital option", has_text="Ommelander Ziekenhuis").wait_for(
            state="attached"
        )
        assert page.get_by_label("Tumortype").input_value() != ""  # still chosen
        hospital.select_option(label="Ommelander Ziekenhuis")
        page.get_by_label("Onderwerp").select_option(label="Bijwerkingen tijdens behandeling")
        page.get_by_role("button", name="Toon aanspreekpunten").click()
        page.wait_for_url("**hospital=*")
        assert page.get_by_label("Tumortype").input_value() != ""
        assert self.outside_requests == []


@pytest.mark.browser
class HospitalHandsOverAftercareTests(BrowserTestCase):
    """Issue 13: the oncologist hands over with an aftercare plan, the GP opens and accepts it
    and finds the first check as his own task on "Vandaag"."""

    def test_the_hospital_hands_over_and_the_gp_takes_over_the_aftercare(self):
        from datetime import timedelta

        from schakel.handovers.models import Handover, HandoverStatus

        # The demo's patient whose first handover was withdrawn: to be handed over again.
        pathway = Handover.objects.get(
            status=HandoverStatus.CANCELLED, receiver_role__practitioner__user=self.gp
        ).pathway
        specialist = User.objects.get(email="specialist@schakel.test")
        specialist_device = TOTPDevice.objects.create(user=specialist, name="app", confirmed=True)
        page = self.page
        page.goto(f"{self.live_server_url}{pathway.get_absolute_url()}")
        self.log_in("specialist@schakel.test", specialist_device)
        page.get_by_role("link", name="Overdragen aan de huisarts (met nazorgplan)").click()
        # The plan starts from the timeline; the practice and its GP are filled in.
        assert page.get_by_label("Diagnose").input_value() == "Borstkanker"
        page.get_by_label("Overdrachtsbrief").fill("Behandeling afgerond; nazorg graag door u.")
        page.get_by_label("Alarmsymptomen: terugkomen bij").fill("Nieuwe knobbel, botpijn.")
        page.get_by_label("Plan herzien op").fill(
            (timezone.localdate() + timedelta(days=365)).isoformat()
        )
        first_check = timezone.localdate() + timedelta(days=14)
        page.locator("#id_check-0-what").fill("Nazorggesprek over herstel en werk")
        page.locator("#id_check-0-by").select_option("gp")
        page.locator("#id_check-0-due_on").fill(first_check.isoformat())
        page.get_by_role("button", name="Overdracht versturen").click()
        page.get_by_text("De ontvanger is aan zet", exact=False).wait_for()
        self.log_out()

        # The GP finds it on "Vandaag", opens it and accepts.
        page.goto(f"{self.live_server_url}/")
        self.log_in_as_the_gp()
        page.get_by_role("link", name=pathway.patient.sorted_name).first.wait_for()
        handover = Handover.objects.filter(pathway=pathway).latest("pk")
        page.goto(f"{self.live_server_url}{handover.get_absolute_url()}")
        assert "Behandeling afgerond; nazorg graag door u." in page.content()
        page.get_by_role("button", name="Accepteren: wij nemen de nazorg over").click()
        page.get_by_text("geaccepteerd", exact=False).first.wait_for()
        handover.refresh_from_db()
        assert handover.status == HandoverStatus.ACCEPTED

        # The first check is the GP's task now, on its date (in "Taken": "Vandaag" shows the
        # first ones due, and the demo GP has earlier ones).
        page.goto(f"{self.live_server_url}/taken/")
        task = page.get_by_text("Nazorg: Nazorggesprek over herstel en werk").first
        task.wait_for()
        assert self.outside_requests == []


@pytest.mark.browser
class GpFollowsAPatientWhoMovedTests(BrowserTestCase):
    """The GP opens "Mijn patiënten met kanker", finds the patient who moved between three
    hospitals, and sees who is aan zet."""

    def test_a_gp_follows_a_patient_across_hospitals_and_sees_who_is_aan_zet(self):
        from django.db.models import Count

        from schakel.pathways.access import visible_pathways

        moved = (
            visible_pathways(self.gp)
            .exclude(phase="closed")
            .annotate(n=Count("hospitals"))
            .filter(n__gte=3)
            .select_related("patient")
            .first()
        )
        assert moved is not None
        task = moved.tasks.open().order_by("due_at").first()
        page = self.page
        page.goto(f"{self.live_server_url}/trajecten/")
        self.log_in_as_the_gp()

        page.get_by_role("heading", name="Mijn patiënten met kanker").wait_for()
        page.get_by_role("link", name=moved.patient.sorted_name).click()
        page.get_by_role("heading", name="Aan zet").wait_for()
        hospitals = page.locator("#contacts-heading + dl + h3 + ul li")
        assert hospitals.count() == 3
        box = page.locator(".aan-zet-box").inner_text()
        if task is None:
            assert "Niemand is aan zet" in box
        else:
            assert task.title in box
            assert task.owner_label.split(" (")[0] in box
        assert "Tijdlijn" in page.content()
        assert "overplaatsing naar ander ziekenhuis" in page.content().lower()

        # The GP records the next step: the form arrives as its panel opens (htmx).
        assert page.locator("#vastleggen-taak form").count() == 0
        page.get_by_text("Taak maken (wie is aan zet)").click()
        panel = page.locator("#vastleggen-taak")
        panel.get_by_label("Volgende stap").fill("Samen de uitslag bespreken")
        panel.get_by_label("Wie is aan zet").select_option(index=0)
        due = timezone.localdate() + datetime.timedelta(days=3)
        panel.get_by_label("Vóór").fill(due.isoformat())
        panel.get_by_role("button", name="Taak maken").click()
        page.get_by_text("Taak aangemaakt.").wait_for()
        assert moved.tasks.filter(title="Samen de uitslag bespreken").exists()
        assert self.outside_requests == []


@pytest.mark.browser
class MdoLoopTests(BrowserTestCase):
    """The GP answers the MDO's request, the chair sees it and records the advice, the GP
    acknowledges it."""

    def test_the_gp_feeds_the_mdo_and_the_advice_comes_back(self):
        from schakel.mdo.models import AgendaItem
        from schakel.work.models import TaskStatus

        item = (
            AgendaItem.objects.filter(
                input_request__status=TaskStatus.REQUESTED,
                meeting__starts_at__gt=timezone.now(),
            )
            .select_related("pathway__patient", "meeting")
            .order_by("pk")
            .first()
        )
        assert item is not None
        specialist = User.objects.get(email="specialist@schakel.test")
        specialist_device = TOTPDevice.objects.create(user=specialist, name="app", confirmed=True)
        page = self.page
        base = self.live_server_url

        page.goto(f"{base}{item.pathway.get_absolute_url()}")
        self.log_in_as_the_gp()
        page.get_by_role("link", name="MDO-inbreng geven").first.click()
        page.get_by_label("Kwaliteit van leven").fill("Fietst nog elke dag naar de markt.")
        page.get_by_label("Ik wil aansluiten bij de bespreking").check()
        page.get_by_role("button", name="Naar het MDO sturen").click()
        page.get_by_text("Uw inbreng", exact=False).first.wait_for()
        # Back to the form (issue 10, point 1): it opens with what was sent, and a change
        # becomes a second version; the first is not lost.
        page.get_by_role("link", name="Uw MDO-inbreng bekijken of aanpassen").click()
        quality = page.get_by_label("Kwaliteit van leven")
        assert quality.input_value() == "Fietst nog elke dag naar de markt."
        assert page.get_by_label("Ik wil aansluiten bij de bespreking").is_checked()
        quality.fill("Fietst sinds vorige week niet meer; erg moe.")
        page.get_by_role("button", name="Naar het MDO sturen").click()
        page.get_by_text("Uw inbreng", exact=False).first.wait_for()
        self.log_out()

        from datetime import timedelta

        from schakel.mdo.models import MdoMeeting

        # The meeting takes place: the chair records the advice during it.
        started = timezone.now() - timedelta(minutes=20)
        MdoMeeting.objects.filter(pk=item.meeting_id).update(
            starts_at=started, ends_at=started + timedelta(hours=1)
        )
        page.goto(f"{base}{item.meeting.get_absolute_url()}")
        self.log_in("specialist@schakel.test", specialist_device)
        case = page.locator(".agenda-item", has_text=item.pathway.patient.full_name)
        assert "Fietst sinds vorige week niet meer; erg moe." in case.inner_text()
        assert "gewijzigd door de huisarts: versie 2" in case.inner_text()
        case.get_by_text("Eerdere versies").click()
        assert "Fietst nog elke dag naar de markt." in case.inner_text()
        case.get_by_text("Advies vastleggen").click()
        case.get_by_label("Advies en conclusie").fill("Start immunotherapie.")
        case.get_by_label("Behandeldoel").select_option("palliative")
        case.get_by_label("Wie informeert de patiënt").fill("Longarts")
        case.get_by_role("button", name="Vastleggen en naar de huisarts sturen").click()
        page.get_by_text("Advies vastgelegd en naar de huisarts gestuurd.").wait_for()
        self.log_out()

        page.goto(f"{base}/trajecten/{item.pathway_id}/mdo-advies/")
        # A code is accepted once; within the same 30 seconds the GP uses their second phone.
        second_phone = TOTPDevice.objects.create(user=self.gp, name="tweede", confirmed=True)
        self.log_in("huisarts@schakel.test", second_phone)
        assert "Start immunotherapie." in page.content()
        page.get_by_role("button", name="Ik heb dit advies gelezen").first.click()
        page.get_by_text("Dank u: u heeft het MDO-advies gelezen.").wait_for()
        assert self.outside_requests == []


@pytest.mark.browser
class PatientFillsInTheGfiTests(BrowserTestCase):
    """On a phone, without an account, the patient fills in the GFI; the GP sees the score
    and the task it created."""

    def test_the_patient_answers_on_a_phone_and_the_gp_sees_score_and_task(self):
        from schakel.pathways.access import visible_pathways
        from schakel.pathways.models import Phase

        pathway = (
            visible_pathways(self.gp)
            .exclude(phase=Phase.CLOSED)
            .select_related("patient")
            .order_by("pk")
            .first()
        )
        assert pathway is not None
        base = self.live_server_url
        page = self.page
        # The GP prints a letter (issue 10, point 7): the practice, a code to type, a button.
        page.goto(f"{base}/trajecten/{pathway.pk}/vragenlijsten/")
        self.log_in_as_the_gp()
        page.get_by_label("Vragenlijst").select_option(label="Groningen Frailty Indicator (GFI)")
        page.get_by_label("geprinte brief").check()
        page.get_by_role("button", name="Uitnodigen").click()
        letter = page.locator(".letter")
        letter.wait_for()
        assert self.gp.practitioner.roles.get().organization.name in letter.inner_text()
        assert page.get_by_role("button", name="Brief printen").is_visible()
        code = page.get_by_test_id("letter-code").inner_text()
        self.log_out()

        # The patient types the code at the short address, in lower case.
        page.goto(f"{base}/code/")
        page.get_by_label("Code uit uw brief").fill(code.lower())
        page.get_by_role("button", name="Naar mijn vragenlijst").click()
        page.get_by_role("group", name="Boodschappen doen.").wait_for()
        self.assertNotIn(pathway.patient.family_name, page.content())  # no name on the form

        def answer(question: str, choice: str) -> None:
            page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()

        answer("Boodschappen doen.", "nee")
        answer("Buitenshuis rondlopen", "nee")
        answer("Aan- en uitkleden.", "ja")
        answer("Naar het toilet gaan.", "ja")
        page.get_by_label("Welk rapportcijfer").fill("5")
        for question in ("slecht zien", "slecht horen", "afgevallen", "4 of meer"):
            answer(question, "nee")
        answer("klachten over uw geheugen", "soms")
        answer("leegte om u heen", "ja")
        answer("Mist u wel eens mensen", "nee")
        answer("in de steek gelaten", "nee")
        answer("neerslachtig of somber", "soms")
        page.get_by_label("Welk rapportcijfer").fill("11")
        # The last question is forgotten and the mark is out of range: the summary names both,
        # each message sits with its question, nothing is lost.
        page.get_by_role("button", name="Antwoorden versturen").click()
        summary = page.get_by_test_id("error-summary")
        summary.wait_for()
        assert "Vul een getal tussen 0 en 10 in." in summary.inner_text()
        question = page.get_by_role("group", name="nerveus of angstig")
        assert "Beantwoord deze vraag alstublieft." in question.inner_text()
        link = summary.get_by_role("link", name="nerveus of angstig")
        assert link.get_attribute("href") == "#" + question.locator("input").first.get_attribute(
            "id"
        )
        question.get_by_label("nee", exact=True).check()
        mark = page.get_by_label("Welk rapportcijfer")
        assert mark.input_value() == "11"
        mark.fill("5")
        # Not full_page: Chromium's full-page capture resizes the view, and the next click
        # after it is lost.
        ARTIFACTS.mkdir(exist_ok=True)
        summary.screenshot(path=str(ARTIFACTS / "patient_gfi_form_with_message.png"))
        page.get_by_role("button", name="Antwoorden versturen").click()
        page.get_by_text("Uw antwoorden zijn naar uw zorgverlener gestuurd.").wait_for()

        page.goto(f"{base}/trajecten/{pathway.pk}/")
        # A code is accepted once; within the same 30 seconds the GP uses their second phone.
        second_phone = TOTPDevice.objects.create(user=self.gp, name="tweede", confirmed=True)
        self.log_in("huisarts@schakel.test", second_phone)
        page.get_by_text(
            "Vragenlijst Groningen Frailty Indicator (GFI): bespreken"
        ).first.wait_for()
        assert "5 – kwetsbaar (afkappunt ≥ 4)" in page.content()
        page.get_by_role("link", name="Scores, verloop en uitnodigingen").click()
        page.locator("svg.trend").first.wait_for()
        assert self.outside_requests == []


@pytest.mark.browser
class CaseManagerStartsHerDayTests(BrowserTestCase):
    """The case manager starts her day on "Vandaag", takes up a signal and hands the task
    that it became to a colleague."""

    def test_the_case_manager_takes_a_signal_and_hands_the_task_to_a_colleague(self):
        from schakel.work.models import Task, TaskChange

        manager = User.objects.get(email="casemanager@schakel.test")
        device = TOTPDevice.objects.create(user=manager, name="telefoon", confirmed=True)
        page = self.page
        page.goto(f"{self.live_server_url}/")
        self.log_in("casemanager@schakel.test", device)

        page.get_by_role("heading", name="Vandaag", exact=True).wait_for()
        assert page.get_by_role("heading", name="Signalen bij mijn patiënten").is_visible()
        page.get_by_role("link", name="Signalen afhandelen").click()
        page.get_by_role("heading", name="Signalen", exact=True).wait_for()
        page.get_by_role("button", name="Ik pak dit op").first.click()
        page.get_by_text("U heeft dit signaal opgepakt: het is nu uw taak.").wait_for()
        task = Task.objects.filter(focus_type="Signal").get()
        assert task.owner_role is not None and task.owner_role.practitioner.user == manager

        page.get_by_text("Overdragen aan een collega of een team").click()
        page.get_by_label("Aan", exact=True).select_option(index=1)
        page.get_by_label("Notitie voor de nieuwe eigenaar").fill("Jij kent deze patiënt beter")
        page.get_by_role("button", name="Overdragen", exact=True).click()
        page.get_by_text("Taak overgedragen aan").wait_for()
        task.refresh_from_db()
        change = task.history.get(change=TaskChange.HANDED_OVER)
        assert change.note == "Jij kent deze patiënt beter"
        assert "Jij kent deze patiënt beter" in page.locator(".timeline").inner_text()
        assert self.outside_requests == []


@pytest.mark.browser
class PhoneLayoutTests(BrowserTestCase):
    def test_on_a_phone_the_header_is_small_and_the_list_does_not_scroll_sideways(self):
        page = self.page  # 390 by 844 pixels
        page.goto(f"{self.live_server_url}/trajecten/")
        self.log_in_as_the_gp()
        page.get_by_role("heading", name="Mijn patiënten met kanker").wait_for()
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] <= 844 / 5, header
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        assert page.locator(".table.pathways .aan-zet").first.is_visible()


@pytest.mark.browser
class PrivacyOfficerWithoutSecondFactorTests(BrowserTestCase):
    """Issue 10, point 3: where two factors are needed, a Dutch page says so and leads to
    setting them up; the management screens are no side door; unknown pages are Schakel's."""

    def test_the_privacy_officer_is_told_in_dutch_and_the_side_door_is_closed(self):
        page = self.page
        base = self.live_server_url
        with self.settings(SCHAKEL_TWO_FACTOR_OPTIONAL=True):  # as in the demo
            page.goto(f"{base}/")
            page.get_by_label("E-mailadres").fill("privacy@schakel.test")
            page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.get_by_role("heading", name="Vandaag", exact=True).wait_for()
            for address in ("/privacy/toegangslog/", "/beheer/audit/accesslogentry/"):
                response = page.goto(f"{base}{address}")
                assert response is not None and response.status == 403
                page.get_by_role(
                    "heading", name="Voor deze pagina is tweestapsverificatie nodig"
                ).wait_for()
                assert "Forbidden" not in page.content()
            page.get_by_role("link", name="Tweestapsverificatie instellen of gebruiken").click()
            page.get_by_role("heading", name="Inloggen in twee stappen instellen").wait_for()
            missing = page.goto(f"{base}/bestaat-niet/")
            assert missing is not None and missing.status == 404
            page.get_by_text("Deze pagina bestaat niet").wait_for()
        assert self.outside_requests == []


@pytest.mark.browser
class GpAsksTheBreastTeamTests(BrowserTestCase):
    """Issue 14: a GP asks the breast-cancer team a question from the contact finder, a nurse
    specialist of that team answers, and the GP closes it."""

    def test_a_question_from_the_finder_is_answered_by_the_team_and_closed(self):
        from schakel.directory.models import Function, PractitionerRole
        from schakel.messaging.models import Question, QuestionStatus

        page = self.page
        page.goto(f"{self.live_server_url}/wegwijzer/")
        self.log_in_as_the_gp()
        page.goto(f"{self.live_server_url}/wegwijzer/")
        page.get_by_label("Ziekenhuis", exact=True).select_option(label="Ziekenhuis Duinstede")
        page.get_by_label("Tumortype").select_option(label="Borstkanker")
        page.get_by_role("button", name="Toon aanspreekpunten").click()
        page.get_by_role(
            "link", name="Stel het borstkanker-team van Ziekenhuis Duinstede een vraag"
        ).click()
        # The team is filled in: the hospital, its nurse specialists, breast cancer.
        assert page.get_by_label("Functie in het team").input_value() == Function.NURSE_SPECIALIST
        page.get_by_label("Onderwerp").fill("Lymfoedeem na okselklierdissectie")
        page.get_by_label("Uw vraag").fill(
            "Welke fysiotherapeut in de regio behandelt lymfoedeem, en is een verwijzing nodig?"
        )
        page.get_by_label("binnen een week (vijf werkdagen)").check()
        page.get_by_role("button", name="De vraag versturen").click()
        page.get_by_text("De geadresseerde is aan zet", exact=False).wait_for()
        question = Question.objects.get(subject="Lymfoedeem na okselklierdissectie")
        self.log_out()

        # A nurse specialist of the breast team answers it.
        nurse_role = PractitionerRole.objects.filter(
            organization=question.team,
            function=Function.NURSE_SPECIALIST,
            tumour_types=question.tumour_type,
        ).first()
        assert nurse_role is not None
        # The demo gives personas accounts; this nurse gets one for the test.
        nurse = User.objects.create_user("mammacare@schakel.test", DEMO_PASSWORD)
        nurse_role.practitioner.user = nurse
        nurse_role.practitioner.save(update_fields=["user"])
        nurse_device = TOTPDevice.objects.create(user=nurse, name="app", confirmed=True)
        page.goto(f"{self.live_server_url}/vragen/")
        self.log_in(nurse.email, nurse_device)
        page.get_by_role("link", name="Lymfoedeem na okselklierdissectie").click()
        page.get_by_label("Uw antwoord").fill(
            "Fysiotherapie Oedeem Zuidwest; een verwijzing van de huisarts is voldoende."
        )
        page.get_by_role("button", name="Het antwoord versturen").click()
        page.get_by_text("Antwoord verstuurd", exact=False).wait_for()
        self.log_out()

        # The GP is told (a notification on "Vandaag"), reads the answer and closes it.
        page.goto(f"{self.live_server_url}/")
        # A second device: a code is used once, and the first login may be within its minute.
        tablet = TOTPDevice.objects.create(user=self.gp, name="tablet", confirmed=True)
        self.log_in("huisarts@schakel.test", tablet)
        page.get_by_role("heading", name="Vandaag").wait_for()
        assert "Lymfoedeem na okselklierdissectie" in page.content()
        page.goto(f"{self.live_server_url}/vragen/?map=gesteld")
        page.get_by_role("link", name="Lymfoedeem na okselklierdissectie").click()
        assert "Fysiotherapie Oedeem Zuidwest" in page.content()
        page.get_by_role("button", name="De vraag sluiten").click()
        page.get_by_text("Vraag gesloten", exact=False).wait_for()
        question.refresh_from_db()
        assert question.status == QuestionStatus.CLOSED
        assert question.holder_role == nurse_role
        assert self.outside_requests == []
