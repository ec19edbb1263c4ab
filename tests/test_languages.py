"""Languages: staff choose the language of their pages (blank: the browser's), and dates, times and numbers read
the way that language writes them."""

import datetime
import importlib
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from patients.models import Role, StaffMember
from wellness.charts import line_chart

from .factories.patients import StaffFactory

#: The format names templates use that Django does not define itself: each language's module must.
OWN_FORMAT_NAMES = [
    "LONG_DATE_FORMAT", "WEEKDAY_DATE_FORMAT", "SHORT_WEEKDAY_DATE_FORMAT", "MONTH_FORMAT",
    "LONG_DATETIME_FORMAT", "MONTH_DAY_TIME_FORMAT", "SECONDS_DATETIME_FORMAT",
]


def html_lang(response):
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_language_is_used_until_a_staff_member_chooses_one(login, peer):
    client = login(peer)
    page = client.get(reverse("home"), headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_lang(page) == "es"
    assert page["Content-Language"] == "es"
    assert html_lang(client.get(reverse("home"))) == "en"


def test_a_staff_member_chooses_spanish_for_their_own_pages(login, peer):
    client = login(peer)
    response = client.post(reverse("account_language"), {"language": "es"}, follow=True)
    assert StaffMember.objects.get(pk=peer.pk).language == "es"
    assert "Se guardó su idioma." in response.content.decode()
    # Whatever the browser says, the choice holds.
    page = client.get(reverse("home"), headers={"accept-language": "en-US"})
    assert html_lang(page) == "es"
    assert ">Idioma</a>" in page.content.decode()

    client.post(reverse("account_language"), {"language": ""})
    assert StaffMember.objects.get(pk=peer.pk).language == ""
    assert html_lang(client.get(reverse("home"), headers={"accept-language": "en-US"})) == "en"


def test_a_language_the_interface_does_not_have_is_refused(login, peer):
    response = login(peer).post(reverse("account_language"), {"language": "fr"})
    assert response.status_code == 200
    assert StaffMember.objects.get(pk=peer.pk).language == ""


def test_a_clinic_admin_sets_a_staff_members_language(login, clinic_admin, clinic):
    rosa = StaffFactory(clinic=clinic, roles=[Role.PEER_SPECIALIST], username="rosa.peer")
    login(clinic_admin).post(reverse("staff:edit", args=[rosa.pk]), {
        "username": "rosa.peer", "first_name": "Rosa", "last_name": "Martínez", "email": "rosa@clinic.example",
        "roles": [Role.PEER_SPECIALIST], "language": "es",
    })
    assert StaffMember.objects.get(pk=rosa.pk).language == "es"


def render(template, **context):
    return Template("{% load l10n %}" + template).render(Context(context))


def test_dates_times_and_numbers_read_as_the_language_writes_them():
    day = datetime.date(2026, 12, 7)
    moment = datetime.datetime(2026, 12, 7, 18, 30)
    with translation.override("en"):
        assert render('{{ d|date:"WEEKDAY_DATE_FORMAT" }}', d=day) == "Monday, December 7"
        assert render('{{ d|date:"DATE_FORMAT" }}', d=day) == "Dec 7, 2026"
        assert render('{{ t|time:"TIME_FORMAT" }}', t=moment) == "6:30 PM"
        assert render("{{ n }}", n=2.5) == "2.5"
    with translation.override("es"):
        assert render('{{ d|date:"WEEKDAY_DATE_FORMAT" }}', d=day) == "lunes 7 de diciembre"
        assert render('{{ d|date:"DATE_FORMAT" }}', d=day) == "7 dic 2026"
        assert render('{{ d|date:"LONG_DATE_FORMAT" }}', d=day) == "7 de diciembre de 2026"
        assert render('{{ t|time:"TIME_FORMAT" }}', t=moment) == "18:30"
        assert render("{{ n }}", n=2.5) == "2,5"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_language_defines_the_formats_templates_name(code):
    module = importlib.import_module(f"maud_pathways.formats.{code}.formats")
    assert [name for name in OWN_FORMAT_NAMES if not hasattr(module, name)] == []


def test_charts_keep_svg_coordinates_in_plain_numbers_in_spanish():
    # "12,5" is not a coordinate: the charts' geometry is never localized, their visible figures are.
    with translation.override("es"):
        out = render('{% include "wellness/_line_chart.html" %}', chart_id="c", chart=_chart())
    assert 'cx="' in out
    coordinates = [part.split('"', 1)[0] for part in out.split('cx="')[1:]]
    assert coordinates and all("," not in c for c in coordinates)


def _chart():
    return line_chart([(datetime.date(2026, 1, 5), 12.5), (datetime.date(2026, 3, 9), 17.25)],
                      y_min=0, y_max=30, title="Total")


def test_a_staff_member_reading_spanish_sees_the_programs_spanish_texts(login, peer):
    call_command("load_programs", stdout=io.StringIO())
    StaffMember.objects.filter(pk=peer.pk).update(language="es")
    client = login(peer)
    page = client.get(reverse("referrals:program_detail", args=["wellbriety"])).content.decode()
    assert "En la lista de opciones, Wellbriety aparece entre las seculares." in page
    assert "Un movimiento de sobriedad y bienestar de White Bison" in page
    assert "Se comparte en un círculo de palabra" in page  # the first-meeting guide
    StaffMember.objects.filter(pk=peer.pk).update(language="en")
    page = client.get(reverse("referrals:program_detail", args=["wellbriety"])).content.decode()
    assert "The pathway lists Wellbriety among the secular options." in page
