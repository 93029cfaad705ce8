"""The council's committee report template as configuration: its name, logo, the wording of the cover report's
fields and stamps, and its numbered sections, from a TOML file (ADR 22).

The file is ``OVERSIGHT_REPORT_TEMPLATE`` (by default ``report-template.toml`` in the data directory); without it,
the standard template of the seeds' cover reports applies, under ``OVERSIGHT_COUNCIL_NAME``. A council edits words,
not code: a file with an unknown key or a wrong type is refused with the key named, so a typing slip is not
silently ignored. For example::

    council = "Borsetshire County Council"
    logo = "logo.png"                      # beside this file, or an absolute path
    sections = ["Purpose of the report", "Recommendations", "Background", "Implications"]

    [wording]
    report_to = "Meeting"
    private = "Exempt information: not for publication."
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from django.conf import settings

from oversight.core.problems import ApplicationError

# The council's standard sections, in order (the seeds' cover reports); an item leaves out what it has nothing
# to say under.
STANDARD_SECTIONS = (
    "Report summary",
    "Decision requested",
    "Reasons for recommendations",
    "Wards affected",
    "Local ward members",
    "Policy implications",
    "Financial implications",
    "Legal implications",
    "Risk management",
    "Background and options",
    "Access to information",
)


@dataclass(frozen=True)
class Wording:
    """The words of the cover report that are not the clerk's: its field labels and stamps."""

    report_to: str = "Report to"
    meeting_on: str = "Date of meeting"
    report_of: str = "Report of"
    title: str = "Subject/Title"
    portfolio_holder: str = "Portfolio holder"
    private: str = "Part 2: private. Not for publication."
    appendices: str = "Appendices"


@dataclass(frozen=True)
class ReportTemplate:
    council: str
    sections: tuple[str, ...] = STANDARD_SECTIONS
    wording: Wording = field(default_factory=Wording)
    logo: Path | None = None  # an image file (PNG or JPEG) printed above the council's name


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApplicationError(f"the report template's '{key}' must be some text")
    return value.strip()


def report_template_parse(text: str, *, folder: Path, council: str) -> ReportTemplate:
    """The template a TOML file describes (``folder``: where a relative logo path is found); every key is optional."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ApplicationError(f"the report template is not TOML: {error}") from None
    known = {"council", "logo", "sections", "wording"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ApplicationError(f"the report template has no key '{unknown[0]}'; it knows {', '.join(sorted(known))}")
    template = ReportTemplate(council=_text(data["council"], "council") if "council" in data else council)
    if "sections" in data:
        sections = data["sections"]
        if not isinstance(sections, list) or not sections:
            raise ApplicationError("the report template's 'sections' must be a list of headings")
        headings = tuple(_text(heading, "sections") for heading in sections)
        if len(set(headings)) != len(headings):
            raise ApplicationError("the report template's 'sections' names a heading twice")
        template = replace(template, sections=headings)
    if "wording" in data:
        wording = data["wording"]
        names = {f.name for f in fields(Wording)}
        if not isinstance(wording, dict) or set(wording) - names:
            raise ApplicationError(f"the report template's [wording] takes only {', '.join(sorted(names))}")
        template = replace(template, wording=Wording(**{k: _text(v, f"wording.{k}") for k, v in wording.items()}))
    if "logo" in data:
        logo = folder / _text(data["logo"], "logo")
        if not logo.is_file():
            raise ApplicationError(f"the report template's logo {logo} is not a file")
        template = replace(template, logo=logo)
    return template


def report_template() -> ReportTemplate:
    """The council's template as configured now (read each time: a pack is built seldom, and an edit shows at once)."""
    council = settings.OVERSIGHT_COUNCIL_NAME
    path = Path(settings.OVERSIGHT_REPORT_TEMPLATE)
    if not path.is_file():
        return ReportTemplate(council=council)
    return report_template_parse(path.read_text(encoding="utf-8"), folder=path.parent, council=council)
