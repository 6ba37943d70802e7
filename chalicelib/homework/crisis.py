"""Crisis resources: what a client is shown beside a risk answer.

A practice may keep its own list (set by its owner); without one, its country's defaults
below apply; a country without defaults gets "call your local emergency number".

The defaults are deliberately short: the country's emergency number first, then one or two
national, free, well-established lines. Every number is cited to the service's own site (or
the government's) in the comment above its country; a number we could not confirm is left
out, and hours are given only where the service states them. Review them yearly: services
change numbers and hours.

No AWS here: rules and data only.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from chalicelib.fields import RequestModel, ResponseModel

SAFETY_PLAN_TEMPLATE = "safety-plan"  # the library's safety plan: the panel links to the latest one
MAX_RESOURCES = 10
NAME_MAX = 80
NUMBER_MAX = 20
SMS_BODY_MAX = 20
URL_MAX = 300
HOURS_MAX = 40
PURPOSE_MAX = 160

# Digits, spaces and one leading "+": what a client can read and a phone can dial.
_NUMBER = re.compile(r"^\+?[0-9][0-9 ]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

LOCAL_EMERGENCY = {
    "name": "Emergency services",
    "phone": None, "sms": None, "url": None, "hours": "24/7",
    "purpose": "If you are in danger now, call your local emergency number or go to the nearest emergency department.",
}


def _r(name: str, phone: str | None, purpose: str, *, hours: str | None = "24/7", url: str | None = None,
       sms: str | None = None, body: str | None = None) -> dict[str, Any]:
    return {"name": name, "phone": phone, "sms": {"number": sms, "body": body} if sms else None,
            "url": url, "hours": hours, "purpose": purpose}


def _emergency(number: str, extra: str = "") -> dict[str, Any]:
    return _r(f"Emergency services ({number})", number,
              "If you are in danger now or might act on thoughts of harming yourself." + extra)


# ISO 3166-1 alpha-2 → resources, emergency number first.
DEFAULTS: dict[str, list[dict[str, Any]]] = {
    # 999: gov.uk/contact-police + nhs.uk/nhs-services/urgent-and-emergency-care-services;
    # Samaritans 116 123: samaritans.org/how-we-can-help/contact-samaritan; Shout 85258:
    # giveusashout.org; NHS 111: nhs.uk/nhs-services/mental-health-services/where-to-get-urgent-help-for-mental-health
    "GB": [_emergency("999"),
           _r("Samaritans", "116 123", "Talk to someone about anything that is troubling you.",
              url="https://www.samaritans.org"),
           _r("Shout", None, "Text with a trained volunteer if you would rather not talk.",
              sms="85258", body="SHOUT", url="https://giveusashout.org"),
           _r("NHS 111", "111", "Urgent mental health help from the NHS (choose the mental health option).",
              url="https://111.nhs.uk")],
    # 112/999: gov.ie (emergency services); Samaritans Ireland 116 123: samaritans.org/ireland;
    # Pieta 1800 247 247, text HELP to 51444: pieta.ie; 50808, the HSE-funded 24/7 text line: listed on
    # hse.ie (mental health supports and services); no keyword given as it has changed over time
    "IE": [_emergency("112", " 999 works too."),
           _r("Samaritans", "116 123", "Talk to someone about anything that is troubling you.",
              url="https://www.samaritans.org/ireland"),
           _r("Pieta", "1800 247 247", "Free support for people thinking about suicide or self-harm.",
              sms="51444", body="HELP", url="https://www.pieta.ie"),
           _r("50808", None, "Text any message to a trained volunteer if you would rather not talk.",
              sms="50808")],
    # 911: 911.gov; 988 Lifeline (call or text): 988lifeline.org; Crisis Text Line 741741: crisistextline.org
    "US": [_emergency("911"),
           _r("988 Suicide & Crisis Lifeline", "988", "Call or text if you are thinking about suicide or in distress.",
              sms="988", url="https://988lifeline.org"),
           _r("Crisis Text Line", None, "Text with a trained crisis counsellor.", sms="741741", body="HOME",
              url="https://www.crisistextline.org")],
    # 911: canada.ca; 988 Suicide Crisis Helpline (call or text): 988.ca;
    # Kids Help Phone 1-800-668-6868, text CONNECT to 686868: kidshelpphone.ca
    "CA": [_emergency("911"),
           _r("988 Suicide Crisis Helpline", "988", "Call or text if you are thinking about suicide.",
              sms="988", url="https://988.ca"),
           _r("Kids Help Phone", "1 800 668 6868", "For young people: talk or text any time.",
              sms="686868", body="CONNECT", url="https://kidshelpphone.ca")],
    # 000: triplezero.gov.au; Lifeline 13 11 14, text 0477 13 11 14: lifeline.org.au;
    # Suicide Call Back Service 1300 659 467: suicidecallbackservice.org.au
    "AU": [_emergency("000"),
           _r("Lifeline", "13 11 14", "Crisis support and suicide prevention, by phone or text.",
              sms="0477 13 11 14", url="https://www.lifeline.org.au"),
           _r("Suicide Call Back Service", "1300 659 467", "Counselling for anyone affected by suicide.",
              url="https://www.suicidecallbackservice.org.au")],
    # 111: police.govt.nz; 1737 (call or text): 1737.org.nz; Lifeline Aotearoa 0800 543 354: lifeline.org.nz
    "NZ": [_emergency("111"),
           _r("1737, Need to talk?", "1737", "Call or text to talk with a trained counsellor.", sms="1737",
              url="https://1737.org.nz"),
           _r("Lifeline Aotearoa", "0800 543 354", "Talk to someone when things feel too much.",
              url="https://www.lifeline.org.nz")],
    # 112: 112.eu / bundesgesundheitsministerium.de; TelefonSeelsorge 0800 111 0 111 / 0800 111 0 222:
    # telefonseelsorge.de
    "DE": [_emergency("112"),
           _r("TelefonSeelsorge", "0800 111 0 111", "Free, anonymous support by phone, day and night.",
              url="https://www.telefonseelsorge.de"),
           _r("TelefonSeelsorge (second line)", "0800 111 0 222", "The same service if the first line is busy.",
              url="https://www.telefonseelsorge.de")],
    # 112 / 15 (SAMU): service-public.fr; 3114 national suicide prevention line: 3114.fr
    "FR": [_emergency("112", " 15 reaches the SAMU."),
           _r("3114", "3114", "The national suicide prevention line: free, day and night.",
              url="https://3114.fr")],
    # 112: 112.es / sanidad.gob.es; 024 suicide line: sanidad.gob.es (Línea 024)
    "ES": [_emergency("112"),
           _r("Línea 024", "024", "The national line for people thinking about suicide.",
              url="https://www.sanidad.gob.es/linea024/")],
    # 112: 112.gov.it / salute.gov.it; Telefono Amico Italia 02 2327 2327: telefonoamico.it (hours on its site)
    "IT": [_emergency("112"),
           _r("Telefono Amico Italia", "02 2327 2327", "Listening support for anyone in distress.", hours=None,
              url="https://www.telefonoamico.it")],
    # 112: government.nl; 113 Zelfmoordpreventie, 113 or 0800 0113: 113.nl
    "NL": [_emergency("112"),
           _r("113 Zelfmoordpreventie", "0800 0113", "Free, anonymous help if you are thinking about suicide "
                                                     "(113 also works).", url="https://www.113.nl")],
    # 112: 112.be; Zelfmoordlijn 1813: zelfmoord1813.be; Centre de Prévention du Suicide 0800 32 123:
    # preventionsuicide.be
    "BE": [_emergency("112"),
           _r("Zelfmoordlijn 1813", "1813", "Suicide prevention line (Dutch).", url="https://www.zelfmoord1813.be"),
           _r("Centre de Prévention du Suicide", "0800 32 123", "Suicide prevention line (French).",
              url="https://www.preventionsuicide.be")],
    # 112: sosalarm.se; Mind Självmordslinjen 90101: mind.se/sjalvmordslinjen
    "SE": [_emergency("112"),
           _r("Självmordslinjen (Mind)", "90101", "Talk to someone if you are thinking about suicide.",
              url="https://mind.se/sjalvmordslinjen/")],
    # 113 (medical emergency): helsenorge.no; Mental Helse Hjelpetelefonen 116 123: mentalhelse.no;
    # Kirkens SOS 22 40 00 40: kirkens-sos.no
    "NO": [_emergency("113", " 112 reaches the police."),
           _r("Mental Helse Hjelpetelefonen", "116 123", "Talk to someone about anything that is troubling you.",
              url="https://mentalhelse.no"),
           _r("Kirkens SOS", "22 40 00 40", "Crisis support by phone, day and night.",
              url="https://www.kirkens-sos.no")],
    # 112: politi.dk / sundhed.dk; Livslinien 70 201 201: livslinien.dk (hours on its site)
    "DK": [_emergency("112"),
           _r("Livslinien", "70 201 201", "Anonymous support if you are thinking about suicide.", hours=None,
              url="https://www.livslinien.dk")],
    # 112: 112.fi; MIELI Crisis Helpline 09 2525 0111 (Finnish, around the clock): mieli.fi
    "FI": [_emergency("112"),
           _r("MIELI Crisis Helpline", "09 2525 0111", "Talk with a crisis worker (in Finnish).",
              url="https://mieli.fi")],
    # 144 (ambulance) / 112: ch.ch; Die Dargebotene Hand / La Main Tendue 143: 143.ch;
    # Pro Juventute 147 (young people): 147.ch
    "CH": [_emergency("144", " 112 works too."),
           _r("Die Dargebotene Hand / La Main Tendue", "143", "Anonymous support by phone, day and night.",
              url="https://www.143.ch"),
           _r("Pro Juventute", "147", "For children and young people.", url="https://www.147.ch")],
    # 144 (ambulance) / 112: oesterreich.gv.at; TelefonSeelsorge 142: telefonseelsorge.at;
    # Rat auf Draht 147 (young people): rataufdraht.at
    "AT": [_emergency("144", " 112 works too."),
           _r("TelefonSeelsorge", "142", "Free, anonymous support by phone, day and night.",
              url="https://www.telefonseelsorge.at"),
           _r("Rat auf Draht", "147", "For children and young people.", url="https://www.rataufdraht.at")],
    # 112: sns.gov.pt; SNS 24 808 24 24 24 (psychological support option): sns24.gov.pt
    "PT": [_emergency("112"),
           _r("SNS 24", "808 24 24 24", "The national health line: ask for psychological support.",
              url="https://www.sns24.gov.pt")],
    # 112: gov.pl; Centrum Wsparcia 800 70 2222: centrumwsparcia.pl; 116 111 (young people): 116111.pl
    "PL": [_emergency("112"),
           _r("Centrum Wsparcia", "800 70 2222", "Support for adults in a mental health crisis.",
              url="https://centrumwsparcia.pl"),
           _r("Telefon Zaufania dla Dzieci i Młodzieży", "116 111", "For children and young people.",
              url="https://116111.pl")],
    # 112: 112.gov.in; Tele-MANAS 14416: telemanas.mohfw.gov.in
    "IN": [_emergency("112"),
           _r("Tele-MANAS", "14416", "The national mental health helpline, free and in many languages.",
              url="https://telemanas.mohfw.gov.in")],
    # 112 (from mobiles) / 10177 (ambulance): gov.za; SADAG Suicide Crisis Helpline 0800 567 567: sadag.org
    "ZA": [_emergency("112", " From a landline call 10177 for an ambulance."),
           _r("SADAG Suicide Crisis Helpline", "0800 567 567", "Free support if you are thinking about suicide.",
              url="https://www.sadag.org")],
    # 995 (ambulance) / 999 (police): scdf.gov.sg, police.gov.sg; SOS 1767: sos.org.sg;
    # IMH Mental Health Helpline 6389 2222: imh.com.sg
    "SG": [_emergency("995", " 999 reaches the police."),
           _r("Samaritans of Singapore", "1767", "Support for anyone in crisis or thinking about suicide.",
              url="https://www.sos.org.sg"),
           _r("IMH Mental Health Helpline", "6389 2222", "The Institute of Mental Health's helpline.",
              url="https://www.imh.com.sg")],
    # 999: police.gov.hk; Samaritan Befrienders Hong Kong 2389 2222: sbhk.org.hk;
    # The Samaritans 2896 0000: samaritans.org.hk
    "HK": [_emergency("999"),
           _r("Samaritan Befrienders Hong Kong", "2389 2222", "Support for anyone in distress (Cantonese).",
              url="https://www.sbhk.org.hk"),
           _r("The Samaritans Hong Kong", "2896 0000", "Support in several languages, including English.",
              url="https://samaritans.org.hk")],
    # 119 (ambulance) / 110 (police): fdma.go.jp; Yorisoi Hotline 0120-279-338: since2011.net/yorisoi
    "JP": [_emergency("119", " 110 reaches the police."),
           _r("Yorisoi Hotline", "0120 279 338", "Free support by phone, day and night.",
              url="https://www.since2011.net/yorisoi/")],
    # 192 (SAMU) / 190 (police): gov.br; CVV 188: cvv.org.br
    "BR": [_emergency("192", " 190 reaches the police."),
           _r("CVV, Centro de Valorização da Vida", "188", "Free emotional support and suicide prevention.",
              url="https://cvv.org.br")],
    # 911: gob.mx/911; Línea de la Vida 800 911 2000: gob.mx/salud/conadic
    "MX": [_emergency("911"),
           _r("Línea de la Vida", "800 911 2000", "The national line for mental health and addiction support.",
              url="https://www.gob.mx/salud/conadic")],
    # 911 / 107 (SAME ambulance): argentina.gob.ar; Centro de Asistencia al Suicida 135 (free from Buenos
    # Aires and Greater Buenos Aires) / (011) 5275-1135: asistenciaalsuicida.org.ar (hours on its site)
    "AR": [_emergency("911", " 107 reaches an ambulance."),
           _r("Centro de Asistencia al Suicida", "135", "Support if you are thinking about suicide "
                                                        "(from elsewhere: 011 5275 1135).", hours=None,
              url="https://www.asistenciaalsuicida.org.ar")],
}


def normal_country(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def defaults_for(country: str | None) -> list[dict[str, Any]]:
    """The country's defaults, or the local-emergency line alone."""
    return [dict(r) for r in DEFAULTS.get(normal_country(country) or "", [LOCAL_EMERGENCY])]


def resources_for(country: str | None, own: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """What the client is shown: the practice's own list, or its country's defaults.

    The practice's list always follows an emergency route: its country's emergency number
    (unless the list already has it) or, for a country without defaults, "call your local
    emergency number"."""
    if not own:
        return defaults_for(country)
    emergency = defaults_for(country)[0]
    listed = {dial_string(r["phone"]) for r in own if r.get("phone")}
    lead = [] if emergency["phone"] and dial_string(emergency["phone"]) in listed else [emergency]
    return [*lead, *(dict(r) for r in own)]


def dial_string(number: str) -> str:
    """The number for a tel:/sms: link: digits and a leading +."""
    return re.sub(r"[^0-9+]", "", number)


# -- validation of a practice's own list --------------------------------------------------------

def _number(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value:
        return None
    if not _NUMBER.match(value) or len(dial_string(value)) < 3:
        raise ValueError("use digits and spaces, with an optional + at the start (for example 116 123)")
    return value


class SmsContact(RequestModel):
    """A number that takes text messages, and the word to start with if the service asks for one."""

    number: str = Field(min_length=3, max_length=NUMBER_MAX, description="Digits, spaces, optional leading +.")
    body: str | None = Field(default=None, max_length=SMS_BODY_MAX, description="The first message, e.g. SHOUT.")

    @field_validator("number")
    @classmethod
    def _valid_number(cls, value: str) -> str:
        checked = _number(value)
        if checked is None:
            raise ValueError("enter the number to text")
        return checked

    @field_validator("body")
    @classmethod
    def _trim_body(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class CrisisResource(RequestModel):
    """One service a client can reach in a crisis: at least a phone number, a text number or a website."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    phone: str | None = Field(default=None, max_length=NUMBER_MAX,
                              description="As dialled: digits, spaces, optional leading + (e.g. 116 123).")
    sms: SmsContact | None = None
    url: str | None = Field(default=None, max_length=URL_MAX, description="https only.")
    hours: str | None = Field(default=None, max_length=HOURS_MAX, description="e.g. 24/7.")
    purpose: str | None = Field(default=None, max_length=PURPOSE_MAX, description="What it is for, in one line.")

    @field_validator("name", "hours", "purpose")
    @classmethod
    def _trim(cls, value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        return _number(value)

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::[0-9]{1,5})?(?:[/?#][^\s]*)?$", value):
            raise ValueError("use a full https:// address (for example https://www.samaritans.org)")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> CrisisResource:
        if not self.name:
            raise ValueError("give the service a name")
        if not (self.phone or self.sms or self.url):
            raise ValueError("give a phone number, a number to text or a website")
        return self


def valid_country(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code, upper case (None clears it)."""
    import phonenumbers

    country = normal_country(value)
    if country is None:
        return None
    if not _COUNTRY.match(country) or country not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("use a two-letter country code, for example GB or IE")
    return country


class SmsView(ResponseModel):
    number: str
    body: str | None = None


class CrisisResourceView(ResponseModel):
    name: str
    phone: str | None = None
    sms: SmsView | None = None
    url: str | None = None
    hours: str | None = None
    purpose: str | None = None


class SafetyPlanLink(ResponseModel):
    submission_id: str
    submitted_at: str
    title: str


class ClientCrisisResources(ResponseModel):
    country: str | None = Field(default=None, description="The practice's country (ISO 3166-1 alpha-2), if set.")
    resources: list[CrisisResourceView] = Field(description="In the order to show them: an emergency route first.")
    safety_plan: SafetyPlanLink | None = Field(default=None, description="Your most recent safety plan, if you "
                                                                         "have sent one.")
