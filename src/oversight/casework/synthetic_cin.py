"""Seeded synthetic CIN census returns: councils' children in need over several years, written as census XML.

For tests and benchmarks; every child is invented, and the same seed gives the same files byte for byte.
Each child's journey is drawn first, on working days (England and Wales bank holidays from
``core.workdays``): a referral; for most, an assessment started within a few working days and
authorised some working days later (now and then never, or long after 45); for some, a section 47 enquiry
and an initial child protection conference some working days on, and for most of those a child protection
plan with reviews three months after it starts and six-monthly after that; some children are referred
again within the year. The journeys are then cut into one census per year: every episode of need open at
some time in the year, with what happened by its 31 March. ``SyntheticCinCouncil.truth`` keeps the counts
the generator knows, worked out in Python, to check the engine's SQL against.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from oversight.casework.reference import population_rows
from oversight.core.workdays import add_working_days, is_working_day, working_days_between

SOURCES = ("1A", "1B", "2A", "2B", "3A", "3B", "3E", "4", "5A", "5C", "6", "7", "8", "9")
NEEDS = ("N1", "N1", "N1", "N2", "N3", "N4", "N4", "N5", "N6", "N7", "N8", "N9")
CATEGORIES = ("NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL")
FACTORS = ("1B", "2B", "3A", "3B", "4A", "6A", "6B", "8B", "9A", "14A", "16A", "18B", "21", "22A")
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "MWAS", "AIND", "APKN", "BCRB", "BAFR", "OOTH", "NOBT")


def _next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass
class _Plan:
    start: date
    end: date | None
    category: str
    previous: int
    reviews: list[date] = field(default_factory=list)


@dataclass
class _Episode:
    referral: date
    source: str
    need: str
    nfa: bool
    closure: date | None = None
    reason: str | None = None
    assessment: tuple[date, date | None] | None = None  # started, authorised
    factors: tuple[str, ...] = ()
    s47: tuple[date, date | None] | None = None  # started, initial conference
    plan: _Plan | None = None
    cin_plan: tuple[date, date | None] | None = None


@dataclass
class _CinChild:
    child_id: str
    sex: str
    birth: date
    ethnicity: str
    episodes: list[_Episode] = field(default_factory=list)


@dataclass
class SyntheticCinCouncil:
    code: str
    lea: str  # the council's DfE number, written in each census header
    children: list[_CinChild]
    first_year_ending: int
    last_year_ending: int

    def truth(self, year_ending: int) -> dict[str, int]:
        """What the generator knows of a year (1 April to 31 March), counted in Python."""
        start, end = date(year_ending - 1, 4, 1), date(year_ending, 3, 31)
        episodes = [e for c in self.children for e in c.episodes]

        def within(day: date | None) -> bool:
            return day is not None and start <= day <= end

        assessed = [e.assessment for e in episodes if e.assessment and within(e.assessment[1])]
        conferences = [e.s47 for e in episodes if e.s47 and within(e.s47[1])]
        return {
            "referrals": sum(within(e.referral) for e in episodes),
            "assessments_authorised": len(assessed),
            "assessments_within_45": sum(
                (working_days_between(a[0], a[1]) or 0) <= 45 for a in assessed if a[1] is not None
            ),
            "s47_started": sum(e.s47 is not None and within(e.s47[0]) for e in episodes),
            "icpcs": len(conferences),
            "icpcs_within_15": sum((working_days_between(s[0], s[1]) or 0) <= 15 for s in conferences if s[1]),
            "cp_plans_started": sum(e.plan is not None and within(e.plan.start) for e in episodes),
            "on_cp_plan_at_end": len(
                {
                    c.child_id
                    for c in self.children
                    for e in c.episodes
                    if e.plan and e.plan.start <= end and (e.plan.end is None or e.plan.end > end)
                }
            ),
        }


def _lea(code: str) -> str:
    for row in population_rows():
        if row.new_la_code == code:
            return row.old_la_code
    raise ValueError(f"{code} is not a council in the ONS estimates; use an ONS code such as E06000049")


def synthetic_cin_council(
    code: str, *, seed: int, first_year_ending: int, last_year_ending: int, referrals_per_year: int = 400
) -> SyntheticCinCouncil:
    """One council's children in need, referred from two years before the first census to the last one's end."""
    rng = random.Random(f"cin:{seed}:{code}")
    begin, finish = date(first_year_ending - 3, 4, 1), date(last_year_ending, 3, 31)
    days = (finish - begin).days
    count = referrals_per_year * days // 365 * 4 // 5  # about a fifth of referrals are a child's second or third
    children = []
    for n in range(count):
        referred = _next_working_day(begin + timedelta(days=rng.randrange(days)))
        child = _CinChild(
            f"{code[-3:]}C{n:06d}",
            rng.choice("MMMFFFU" if rng.random() < 0.02 else "MF"),
            referred - timedelta(days=int(rng.triangular(-150, 17.5 * 365, 6 * 365))),
            rng.choice(ETHNICITIES),
        )
        day: date | None = referred
        previous_plans = 0
        while day is not None and day <= finish:
            episode = _draw_episode(rng, day, previous_plans)
            child.episodes.append(episode)
            previous_plans += episode.plan is not None
            day = None
            if rng.random() < 0.22:  # referred again, most often within the year
                after = episode.closure or episode.referral
                day = _next_working_day(after + timedelta(days=int(rng.expovariate(1 / 150)) + 1))
        children.append(child)
    return SyntheticCinCouncil(code, _lea(code), children, first_year_ending, last_year_ending)


def _draw_episode(rng: random.Random, referred: date, previous_plans: int) -> _Episode:
    episode = _Episode(referred, rng.choice(SOURCES), rng.choice(NEEDS), nfa=rng.random() < 0.3)
    if episode.nfa:
        episode.closure = referred + timedelta(days=rng.randrange(0, 3))
        episode.reason = "RC8"
        return episode
    started = add_working_days(referred, rng.choice((0, 0, 1, 1, 2, 3, 5)))
    late = rng.random() < 0.15
    took = rng.randrange(46, 90) if late else int(rng.triangular(1, 45, 30))
    authorised = add_working_days(started, took) if rng.random() > 0.03 else None  # a few never authorised
    episode.assessment = (started, authorised)
    episode.factors = tuple(sorted(rng.sample(FACTORS, rng.randrange(1, 4))))
    finished = authorised or add_working_days(started, 60)
    if rng.random() < 0.22:  # a section 47 enquiry
        s47 = add_working_days(started, rng.randrange(0, 5))
        conference = add_working_days(s47, int(rng.triangular(3, 22, 10))) if rng.random() < 0.7 else None
        episode.s47 = (s47, conference)
        if conference is not None and rng.random() < 0.8:
            length = int(rng.expovariate(1 / 330)) + 30
            ended = conference + timedelta(days=length)
            plan = _Plan(conference, ended, rng.choice(CATEGORIES), previous_plans + (rng.random() < 0.15))
            review = conference + timedelta(days=rng.randrange(55, 95))  # due within 3 months
            while review < ended:
                plan.reviews.append(_next_working_day(review))
                review = plan.reviews[-1] + timedelta(days=rng.randrange(120, 188))  # due within 6 months
            episode.plan = plan
            episode.closure = ended + timedelta(days=rng.randrange(30, 200))
            episode.reason = rng.choice(("RC1", "RC2", "RC4", "RC6", "RC7"))
            return episode
    if rng.random() < 0.55:
        plan_end = finished + timedelta(days=int(rng.expovariate(1 / 200)) + 20)
        episode.cin_plan = (finished, plan_end)
        episode.closure, episode.reason = plan_end, rng.choice(("RC1", "RC2", "RC3", "RC4", "RC7"))
    else:
        episode.closure, episode.reason = finished + timedelta(days=rng.randrange(0, 10)), "RC8"
    return episode


def _d(day: date) -> str:
    return day.isoformat()


def _by_census(day: date | None, end: date) -> date | None:
    """A date the census dated ``end`` can know of: none if it falls after."""
    return day if day is not None and day <= end else None


def _assessment_xml(e: _Episode, end: date) -> str:
    if not e.assessment or e.assessment[0] > end:
        return ""
    xml = [f"<Assessments><AssessmentActualStartDate>{_d(e.assessment[0])}</AssessmentActualStartDate>"]
    authorised = _by_census(e.assessment[1], end)
    if authorised is not None:
        xml.append(f"<AssessmentAuthorisationDate>{_d(authorised)}</AssessmentAuthorisationDate>")
        factors = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in e.factors)
        xml.append(f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment>")
    xml.append("</Assessments>")
    return "".join(xml)


def _cin_plan_xml(e: _Episode, end: date) -> str:
    if not e.cin_plan or e.cin_plan[0] > end:
        return ""
    plan_end = _by_census(e.cin_plan[1], end)
    return (
        f"<CINPlanDates><CINPlanStartDate>{_d(e.cin_plan[0])}</CINPlanStartDate>"
        + (f"<CINPlanEndDate>{_d(plan_end)}</CINPlanEndDate>" if plan_end else "")
        + "</CINPlanDates>"
    )


def _s47_xml(e: _Episode, end: date, closure: date | None) -> str:
    if not e.s47 or e.s47[0] > end:
        return ""
    conference = _by_census(e.s47[1], end)
    not_required = "1" if e.s47[1] is None and closure is not None else "0"
    return (
        f"<Section47><S47ActualStartDate>{_d(e.s47[0])}</S47ActualStartDate>"
        f"<InitialCPCtarget>{_d(add_working_days(e.s47[0], 15))}</InitialCPCtarget>"
        + (f"<DateOfInitialCPC>{_d(conference)}</DateOfInitialCPC>" if conference else "")
        + f"<ICPCnotRequired>{not_required}</ICPCnotRequired></Section47>"
    )


def _cp_plan_xml(e: _Episode, end: date) -> str:
    if not e.plan or e.plan.start > end:
        return ""
    plan_end = _by_census(e.plan.end, end)
    reviews = "".join(f"<CPPreviewDate>{_d(r)}</CPPreviewDate>" for r in e.plan.reviews if r <= end)
    return (
        f"<ChildProtectionPlans><CPPstartDate>{_d(e.plan.start)}</CPPstartDate>"
        + (f"<CPPendDate>{_d(plan_end)}</CPPendDate>" if plan_end else "")
        + f"<InitialCategoryOfAbuse>{e.plan.category}</InitialCategoryOfAbuse>"
        f"<LatestCategoryOfAbuse>{e.plan.category}</LatestCategoryOfAbuse>"
        f"<NumberOfPreviousCPP>{e.plan.previous}</NumberOfPreviousCPP>"
        + (f"<Reviews>{reviews}</Reviews>" if reviews else "")
        + "</ChildProtectionPlans>"
    )


def _episode_xml(e: _Episode, end: date) -> str:
    """One episode as the census dated ``end`` reports it."""
    closure = _by_census(e.closure, end)
    xml = [f"<CINdetails><CINreferralDate>{_d(e.referral)}</CINreferralDate>"]
    xml.append(f"<ReferralSource>{e.source}</ReferralSource><PrimaryNeedCode>{e.need}</PrimaryNeedCode>")
    if closure is not None:
        xml.append(f"<CINclosureDate>{_d(closure)}</CINclosureDate><ReasonForClosure>{e.reason}</ReasonForClosure>")
    if e.s47 and e.s47[1] and e.s47[1] <= end:
        xml.append(f"<DateOfInitialCPC>{_d(e.s47[1])}</DateOfInitialCPC>")
    xml += [_assessment_xml(e, end), _cin_plan_xml(e, end), _s47_xml(e, end, closure)]
    xml.append(f"<ReferralNFA>{'1' if e.nfa else '0'}</ReferralNFA>")
    xml += [_cp_plan_xml(e, end), "</CINdetails>"]
    return "".join(xml)


def _child_xml(child: _CinChild, start: date, end: date, year_ending: int) -> str | None:
    """The child as the census of ``year_ending`` (``start`` to ``end``) reports it; None if it has nothing to say."""
    parts = [
        _episode_xml(e, end)
        for e in child.episodes
        if not (e.referral > end or (e.closure is not None and e.closure < start))
    ]
    if not parts:
        return None
    sex = child.sex if year_ending >= 2025 else {"M": "1", "F": "2", "U": "0"}[child.sex]
    sex_element = f"<Sex>{sex}</Sex>" if year_ending >= 2025 else f"<GenderCurrent>{sex}</GenderCurrent>"
    born = f"<PersonBirthDate>{_d(child.birth)}</PersonBirthDate>" if child.birth <= end else (
        f"<ExpectedPersonBirthDate>{_d(child.birth)}</ExpectedPersonBirthDate>"
    )  # fmt: skip
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child.child_id}</LAchildID><UPNunknown>UN1</UPNunknown>{born}"
        f"{sex_element}</ChildIdentifiers><ChildCharacteristics><Ethnicity>{child.ethnicity}</Ethnicity>"
        f"</ChildCharacteristics>{''.join(parts)}</Child>"
    )


def synthetic_cin_census(council: SyntheticCinCouncil, folder: Path) -> Iterator[Path]:
    """Write each year's census as ``<folder>/<code>/cin_census_<year ending>.xml``; yields the paths written."""
    target = folder / council.code
    target.mkdir(parents=True, exist_ok=True)
    for year_ending in range(council.first_year_ending, council.last_year_ending + 1):
        start, end = date(year_ending - 1, 4, 1), date(year_ending, 3, 31)
        path = target / f"cin_census_{year_ending}.xml"
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails><Collection>CIN'
                f"</Collection><Year>{year_ending}</Year><ReferenceDate>{_d(end)}</ReferenceDate></CollectionDetails>"
                f"<Source><SourceLevel>L</SourceLevel><LEA>{council.lea}</LEA><SoftwareCode>oversight synthetic"
                "</SoftwareCode></Source></Header>\n<Children>\n"
            )
            for child in council.children:
                xml = _child_xml(child, start, end, year_ending)
                if xml is not None:
                    out.write(xml + "\n")
            out.write("</Children></Message>\n")
        yield path
