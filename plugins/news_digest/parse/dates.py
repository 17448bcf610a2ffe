"""The date of a dump, rule by rule (``docs/reading/cms.md``, "Dates").

Pure Python, no Pelican. The parser and the site build both date a dump with
:func:`choose_date`, so that ``news-digest parse`` shows the date the site will use:

1. the header's ``Date`` .......................... :func:`date_from_header`
2. a date in the file name ........................ :func:`date_from_file_name`
   (ISO or compact, day-first, or a Unix time; with its time of day when it has one)
3. a date spelled by the folders of the path ...... :func:`date_from_folder`
4. a date line in the text ("Stand: 13.03.2024") .. :func:`date_from_text` (with a warning)

Dates are ISO 8601 strings: a date alone (``2024-03-14``), a local date-time
(``2024-03-14T08:30:00``, which the site puts in its ``TIMEZONE``), or a date-time with an
offset (``2024-03-14T08:00:00+00:00``, from a header with one or a Unix time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import PurePath

__all__ = [
    "DateFrom",
    "DumpDate",
    "choose_date",
    "date_from_file_name",
    "date_from_folder",
    "date_from_header",
    "date_from_text",
]


class DateFrom(Enum):
    """Where a dump's date was found."""

    HEADER = "header"
    FILE_NAME = "file name"
    FOLDER = "folder"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class DumpDate:
    value: str  # ISO 8601
    origin: DateFrom
    line: int | None = None  # the line of a date read from the text
    text: str = ""  # that line, as written


# --------------------------------------------------------------------------- header

ISO_DATE = re.compile(
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
# Longest header date handed to dateutil, in characters: "Wednesday, 13 September 2023
# 08:30:00 +01:00 (British Summer Time)" is 70; dateutil takes quadratic time on long input
# (30 s for a million digits).
HEADER_DATE_MAX_CHARS = 100


def date_from_header(value: str) -> str | None:
    """An ISO 8601 string for a header date, or None when it is not a real date.

    A date alone stays a date (``2023-05-10``); a time keeps its offset when it has one.
    """
    match = ISO_DATE.fullmatch(value.strip())
    if match:
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            if match["H"] is None:
                return day.isoformat()
            tz = match["tz"] or ""
            if tz and tz != "Z" and ":" not in tz:
                tz = f"{tz[:3]}:{tz[3:]}"
            moment = datetime.fromisoformat(
                f"{day.isoformat()}T{int(match['H']):02d}:{match['M']}:{match['S'] or '00'}"
                f"{'+00:00' if tz == 'Z' else tz}"
            )
        except ValueError:
            return None
        return moment.isoformat()
    if len(value) > HEADER_DATE_MAX_CHARS:
        return None
    try:
        from dateutil import parser as dateutil_parser

        moment = dateutil_parser.parse(value)
    except (ValueError, OverflowError, ImportError):
        return None
    if moment.hour == moment.minute == moment.second == 0 and not re.search(r"\d:\d", value):
        return moment.date().isoformat()
    return moment.isoformat()


# --------------------------------------------------------------------------- file name

# A time of day right after a file-name date, joined by "T", "_" or a space: "_0830",
# "T083000", "_08-30", "_08h30". Without a joiner, digits after a date are not a time.
_NAME_TIME = r"(?:[T_ ](?P<H>\d{2})[-.h:]?(?P<M>\d{2})(?:[-.:]?(?P<S>\d{2}))?)?"
# Year first: "2023-05-10", "2023_05_10", "2023.05.10", "20230510".
NAME_YEAR_FIRST = re.compile(
    r"(?<![0-9A-Za-z])(?P<y>(?:19|20)\d{2})(?P<sep>[-_.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})"
    + _NAME_TIME
    + r"(?!\d)"
)
# Day first, with a separator (without one, "14032024" is too easily a number):
# "14-03-2024", "14.03.2024", "14_03_2024". Never month first: "03-04-2024" is 3 April.
NAME_DAY_FIRST = re.compile(
    r"(?<![0-9A-Za-z])(?P<d>\d{2})(?P<sep>[-_.])(?P<m>\d{2})(?P=sep)(?P<y>(?:19|20)\d{2})"
    + _NAME_TIME
    + r"(?!\d)"
)
# A Unix time (seconds since 1970, UTC) of 9 or 10 digits standing alone in the name:
# "frontpage_1710403200.txt".
NAME_EPOCH = re.compile(r"(?<![0-9A-Za-z])(?P<seconds>\d{9,10})(?![0-9])")
# The Unix times read as dates: from 1995-01-01 (before it, news sites were few and nine
# digits are more likely an id) to 2100-01-01 (ten digits go on to 2286). Fixed bounds,
# not the clock, so that the same name always gives the same date.
EPOCH_MIN = 788_918_400
EPOCH_MAX = 4_102_444_800


def date_from_file_name(source: str) -> str | None:
    """A date in the file name, with its time of day when the name has one.

    ``2023-05-10-anything.txt`` and ``20230510_anything.txt`` give ``2023-05-10``;
    ``2024-03-14_0830.txt`` and ``20240314T083000.txt`` give ``2024-03-14T08:30:00`` (local
    time); ``14-03-2024.txt`` and ``14.03.2024.txt`` give ``2024-03-14``; a Unix time
    (``frontpage_1710403200.txt``) gives ``2024-03-14T08:00:00+00:00``.
    """
    name = PurePath(source.replace("\\", "/")).name
    for pattern in (NAME_YEAR_FIRST, NAME_DAY_FIRST):
        for match in pattern.finditer(name):
            found = _calendar_date(match["y"], match["m"], match["d"], match["H"], match["M"])
            if found is not None:
                return found + _seconds_part(match) if "T" in found else found
    for match in NAME_EPOCH.finditer(name):
        seconds = int(match["seconds"])
        if EPOCH_MIN <= seconds < EPOCH_MAX:
            return datetime.fromtimestamp(seconds, UTC).isoformat()
    return None


def _calendar_date(
    year: str, month: str, day: str, hour: str | None = None, minute: str | None = None
) -> str | None:
    """``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` with a time of day; None for an impossible
    date. An impossible time (``_2575``) leaves the date alone."""
    try:
        found = date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
    if hour is not None and minute is not None and int(hour) < 24 and int(minute) < 60:
        return f"{found}T{hour}:{minute}"
    return found


def _seconds_part(match: re.Match[str]) -> str:
    seconds = match["S"]
    return f":{seconds}" if seconds is not None and int(seconds) < 60 else ":00"


# --------------------------------------------------------------------------- folders

# A date spelled by the folders of a path: "2023/05/10/" or "2023-05-10/".
FOLDER_DATE = re.compile(r"(?<![^/])(\d{4})[/-](\d{2})[/-](\d{2})(?=/)")


def date_from_folder(path: str) -> str | None:
    """The ISO date spelled by the folders of ``path`` (the last one wins), or None."""
    folder = str(PurePath(path.replace("\\", "/")).parent).replace("\\", "/") + "/"
    for match in reversed(list(FOLDER_DATE.finditer(folder))):
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- text

# Month names, lower case, in the languages of the pages the site reads: English, German,
# Spanish, French, Italian, Portuguese and Dutch (abbreviations with or without a dot).
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar jänner enero janvier gennaio janeiro januari",
            "february feb februar febrero février fevrier febbraio fevereiro februari",
            "march mar märz maerz marzo mars março maart",
            "april apr abril avril aprile",
            "may mai mayo maggio maio mei",
            "june jun juni junio juin giugno junho",
            "july jul juli julio juillet luglio julho",
            "august aug agosto août aout augustus",
            "september sep sept septiembre setiembre septembre settembre setembro",
            "october oct oktober octubre octobre ottobre outubro",
            "november nov noviembre novembre novembro",
            "december dec dezember diciembre décembre decembre dicembre dezembro",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_NAME = r"(?P<mon>[^\W\d_]{3,10})\.?"
# The words that may introduce a date line: "Stand:", "Published:", "Publicado el",
# "Veröffentlicht am", "Mis à jour le", "发布时间：". Without one of these (or nothing), a line
# that holds a date is prose ("On 14 March 2024 the council voted"), not the page's date.
_LABEL = (
    r"(?:(?:last\s+)?(?:updated|published|posted|modified)(?:\s+on)?|date|dated|as\s+of"
    r"|stand|datum|ver(?:ö|oe)ffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|zuletzt\s+aktualisiert"
    r"(?:\s+am)?|publicado(?:\s+el)?|actualizado(?:\s+el)?|fecha|publié(?:\s+le)?"
    r"|mis\s+à\s+jour(?:\s+le)?|pubblicato(?:\s+il)?|aggiornato(?:\s+il)?|publicado\s+em"
    r"|atualizado\s+em|gepubliceerd(?:\s+op)?|bijgewerkt(?:\s+op)?"
    r"|发布时间|发布日期|更新时间|日期|公開日|更新日)"
)
_DAY_MONTH_YEAR = (
    r"(?P<d1>\d{1,2})\.?\s*(?:de\s+)?" + _MONTH_NAME + r"\s*(?:de\s+|,\s*)?(?P<y1>\d{4})"
)
_MONTH_DAY_YEAR = (
    _MONTH_NAME.replace("mon", "mon2") + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
)
_NUMERIC_DAY_FIRST = r"(?P<d3>\d{1,2})[./-](?P<m3>\d{1,2})[./-](?P<y3>\d{4})"
_ISO = r"(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
_CJK = r"(?P<y5>\d{4})\s*年\s*(?P<m5>\d{1,2})\s*月\s*(?P<d5>\d{1,2})\s*日"
# Weekday names that may stand before the date ("Mittwoch, 13. März 2024"); any other word
# there makes the line prose.
_WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|montag|dienstag|mittwoch"
    r"|donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunedì|martedì|mercoledì|giovedì"
    r"|venerdì|sabato|domenica|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|mo|di|mi|do|fr|sa|so"
)
# A time after the date: "16:42", "16.42 Uhr", "4:42 pm", "16h42", "16时42分", with a zone
# name after it ("GMT", "(CET)") that is read past: the time is taken as local time.
_TIME = (
    r"(?:\s*(?:,|um|at|a\s+las|à|alle|às|om|-|–|\|)?\s*(?P<H>\d{1,2})[:.h时](?P<M>\d{2})分?"
    r"(?::(?P<S>\d{2}))?\s*(?:uhr|h|(?P<ampm>[ap])\.?m\.?)?\s*(?:\(?[a-z]{2,5}\)?)?)?"
)
DATE_LINE = re.compile(
    rf"(?:{_LABEL}\s*[:：]?\s*)?(?:(?:{_WEEKDAY})\.?,?\s+)?"  # label, then maybe a weekday
    rf"(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR}|{_NUMERIC_DAY_FIRST}|{_ISO}|{_CJK})"
    rf"{_TIME}\s*\.?",
    re.IGNORECASE,
)
# A date line is short: the longest line tried against DATE_LINE, in characters.
# "Zuletzt aktualisiert am Mittwoch, 13. September 2023 um 16:42 Uhr (MESZ)" is 72.
DATE_LINE_MAX_CHARS = 90
# Only the first lines of a dump are searched: a page's date stands near its top, and a
# date line deep in the headline list belongs to another story.
DATE_LINE_SEARCH_LINES = 40


def date_from_text(lines: list[tuple[int, str]]) -> DumpDate | None:
    """The first date line among the first lines of the dump: a line that is a date, with
    an optional label before it and an optional time after it (``Stand: 13.03.2024 16:42
    Uhr``, ``Published: 14 March 2024``, ``Publicado el 14 de marzo de 2024``,
    ``2024年3月14日``). ``lines`` are ``(number, text)``; a weekday before the date is
    allowed, a word that is not a known label is not."""
    for number, text in lines[:DATE_LINE_SEARCH_LINES]:
        if len(text) > DATE_LINE_MAX_CHARS or not any(ch.isdigit() for ch in text):
            continue
        match = DATE_LINE.fullmatch(text.strip())
        if match is None:
            continue
        found = _date_of(match)
        if found is not None:
            return DumpDate(found, DateFrom.TEXT, number, text)
    return None


def _date_of(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["y1"]:
        month = MONTHS.get(groups["mon"].lower())
        day, year = groups["d1"], groups["y1"]
    elif groups["y2"]:
        month = MONTHS.get(groups["mon2"].lower())
        day, year = groups["d2"], groups["y2"]
    else:
        for n in "345":
            if groups[f"y{n}"]:
                year, month, day = groups[f"y{n}"], int(groups[f"m{n}"]), groups[f"d{n}"]
                break
    if month is None:
        return None
    found = _calendar_date(year, str(month), day)
    if found is None:
        return None
    if groups["H"] is None:
        return found
    hour, minute = int(groups["H"]), int(groups["M"])
    if groups["ampm"]:
        if not 1 <= hour <= 12:
            return found
        hour = hour % 12 + (12 if groups["ampm"].lower() == "p" else 0)
    if hour < 24 and minute < 60:
        second = groups["S"] if groups["S"] is not None and int(groups["S"]) < 60 else "00"
        return f"{found}T{hour:02d}:{minute:02d}:{second}"
    return found


# --------------------------------------------------------------------------- the rule


def choose_date(
    header_date: str | None, source: str, lines: list[tuple[int, str]]
) -> DumpDate | None:
    """The dump's date by the rules in order: header, file name, folders, text."""
    if header_date:
        return DumpDate(header_date, DateFrom.HEADER)
    found = date_from_file_name(source)
    if found:
        return DumpDate(found, DateFrom.FILE_NAME)
    found = date_from_folder(source)
    if found:
        return DumpDate(found, DateFrom.FOLDER)
    return date_from_text(lines)
