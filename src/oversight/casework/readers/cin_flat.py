"""A CIN census file flattened to tab-separated lines, in C: libxml2 reads it, an XSLT writes the lines.

Reading a national census element by element in Python runs at some ten thousand records a second; here
Python touches no element of a council's file (up to ``WHOLE_BYTES``, parsed at once and handed to the
stylesheet whole), and only each ``Child`` of a larger one, which is streamed: finished children go to the
stylesheet in batches and are then dropped, so memory stays that of one batch, however large the file.
Either way the file is read at the speed of libxml2 and libxslt. The lines are checked, typed and
pseudonymised afterwards in DuckDB (``readers.cin``); nothing here judges a value. This module imports no
database or web code, so it runs in worker processes too.

Each line starts with a record letter and the child's position in the file, then the record's values, each
with XML whitespace normalised (which also keeps tabs and line breaks out of values):

====  ===============================================================================================
C     child: LAchildID, Sex, GenderCurrent, PersonBirthDate, ExpectedPersonBirthDate, PersonDeathDate,
      Ethnicity
D     disability: its path step (``Disability[2]``), value
E     CINdetails *e*: CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate, ReasonForClosure,
      DateOfInitialCPC, ReferralNFA
A     assessment *a* of episode *e*: start, internal review and authorisation dates, factors (space-separated)
P     CIN plan *p* of episode *e*: start and end dates
S     section 47 enquiry *s* of episode *e*: start, ICPC target and ICPC dates, ICPCnotRequired
K     child protection plan *k* of episode *e*: start and end dates, initial and latest category, NumberOfPreviousCPP
R     review of plan *k* of episode *e*: its path step, value
U     an element oversight does not read: its name and path below the child
====  ===============================================================================================
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from oversight.core.safexml import XmlRejectedError, iter_elements, parse_file

WHOLE_BYTES = 8 << 20  # a file up to this size is parsed at once; a larger one is streamed
BATCH_CHILDREN = 2_000  # children handed to the stylesheet at a time when streaming

# The values each record letter carries after its position numbers, by element name.
VALUES = {
    "C": (
        "ChildIdentifiers[1]/LAchildID",
        "ChildIdentifiers[1]/Sex",
        "ChildIdentifiers[1]/GenderCurrent",
        "ChildIdentifiers[1]/PersonBirthDate",
        "ChildIdentifiers[1]/ExpectedPersonBirthDate",
        "ChildIdentifiers[1]/PersonDeathDate",
        "ChildCharacteristics[1]/Ethnicity",
    ),
    "E": (
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
    ),
    "A": ("AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate"),
    "P": ("CINPlanStartDate", "CINPlanEndDate"),
    "S": ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"),
    "K": ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP"),
}
# Elements read, by parent; anything else is reported (a ``U`` line) as not loaded.
KNOWN = {
    "Child": ("ChildIdentifiers", "ChildCharacteristics", "CINdetails"),
    "ChildIdentifiers": ("UPN", "FormerUPN", "UPNunknown", *(v.split("/")[1] for v in VALUES["C"][:6])),
    "ChildCharacteristics": ("Ethnicity", "Disabilities"),
    "CINdetails": ("CINdetailsID", *VALUES["E"], "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"),
}
WIDTH = 10  # the most cells a line has


@dataclass(frozen=True)
class FlatCensus:
    """What flattening one file gave: its lines (``lines``), header facts, or why it cannot be read."""

    index: int
    path: Path
    lines: Path
    sha256: str = ""
    lea: str | None = None
    reference_date: str | None = None
    children: int = 0
    error: str | None = None  # the file cannot be read at all: not XML, a DTD, unreadable


def _stylesheet(namespace: str) -> bytes:
    """The XSLT for files whose elements are in ``namespace`` ("" for none, as in the DfE's own files)."""
    p = "c:" if namespace else ""

    def path(steps: str) -> str:
        return "/".join(f"{p}{step}" for step in steps.split("/"))

    def start(letter: str, *numbers: str) -> str:
        return f'<xsl:text>{letter}&#9;</xsl:text><xsl:value-of select="$n"/>' + cells(*numbers)

    def cells(*selects: str) -> str:
        return "".join(f'<xsl:text>&#9;</xsl:text><xsl:value-of select="{s}"/>' for s in selects)

    def values(letter: str) -> str:
        return cells(*(f"normalize-space({path(v)})" for v in VALUES[letter]))

    def unknown(select: str, parent: str, prefix: str) -> str:
        return (
            f'<xsl:apply-templates select="{select}" mode="{parent}"><xsl:with-param name="n" select="$n"/>'
            f'<xsl:with-param name="prefix" select="{prefix}"/></xsl:apply-templates>'
        )

    step = "concat(local-name(), '[', count(preceding-sibling::*[local-name()=local-name(current())]) + 1, ']')"
    end = "<xsl:text>&#10;</xsl:text>"
    # Elements oversight reads match an empty template; any other is written as a U line.
    modes = "".join(
        f'<xsl:template match="{"|".join(p + name for name in names)}" mode="{parent}"/>'
        f'<xsl:template match="*" mode="{parent}"><xsl:param name="n"/><xsl:param name="prefix"/>'
        f"{start('U')}{cells('local-name()', f'concat($prefix, {step})')}{end}</xsl:template>"
        for parent, names in KNOWN.items()
    )
    declare = f' xmlns:c="{namespace}"' if namespace else ""
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"{declare}>
<xsl:output method="text" encoding="UTF-8"/>
<xsl:param name="offset" select="0"/>
<xsl:param name="count" select="0"/>
{modes}
<xsl:template match="/"><xsl:for-each select="*/{p}Child[position() &lt;= $count]">
<xsl:variable name="n" select="$offset + position()"/>
{start("C")}{values("C")}{end}
<xsl:for-each select="{path("ChildCharacteristics[1]/Disabilities[1]")}/*">
{start("D")}{cells(step, "normalize-space(.)")}{end}</xsl:for-each>
{unknown("*", "Child", "''")}
{unknown(path("ChildIdentifiers[1]") + "/*", "ChildIdentifiers", "'ChildIdentifiers[1]/'")}
{unknown(path("ChildCharacteristics[1]") + "/*", "ChildCharacteristics", "'ChildCharacteristics[1]/'")}
<xsl:for-each select="{p}CINdetails"><xsl:variable name="e" select="position()"/>
{start("E", "$e")}{values("E")}{end}
{unknown("*", "CINdetails", "concat('CINdetails[', $e, ']/')")}
<xsl:for-each select="{p}Assessments">{start("A", "$e", "position()")}{values("A")}<xsl:text>&#9;</xsl:text>
<xsl:for-each select="{path("FactorsIdentifiedAtAssessment/AssessmentFactors")}[normalize-space(.) != '']">
<xsl:if test="position() > 1"><xsl:text> </xsl:text></xsl:if><xsl:value-of select="normalize-space(.)"/>
</xsl:for-each>{end}</xsl:for-each>
<xsl:for-each select="{p}CINPlanDates">{start("P", "$e", "position()")}{values("P")}{end}</xsl:for-each>
<xsl:for-each select="{p}Section47">{start("S", "$e", "position()")}{values("S")}{end}</xsl:for-each>
<xsl:for-each select="{p}ChildProtectionPlans"><xsl:variable name="k" select="position()"/>
{start("K", "$e", "$k")}{values("K")}{end}
<xsl:for-each select="{p}Reviews[1]/*">{start("R", "$e", "$k")}{cells(step, "normalize-space(.)")}{end}</xsl:for-each>
</xsl:for-each>
</xsl:for-each>
</xsl:for-each></xsl:template>
</xsl:stylesheet>""".encode()


@cache
def _transform(namespace: str) -> Any:
    from lxml import etree

    access = etree.XSLTAccessControl.DENY_ALL  # the stylesheet reads and writes nothing but its input
    return etree.XSLT(etree.XML(_stylesheet(namespace)), access_control=access)


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def flatten_census(index: int, path: Path, folder: Path) -> FlatCensus:
    """Flatten ``path`` into ``folder``/<index>.tsv; never raises for a bad file (``FlatCensus.error`` says why)."""
    lines = folder / f"{index:06d}.tsv"
    try:
        with path.open("rb") as stream:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        whole = path.stat().st_size <= WHOLE_BYTES
    except OSError as error:
        return FlatCensus(index, path, lines, error=f"cannot be read: {error.strerror or error}")
    try:
        with lines.open("wb") as out:
            lea, reference, children = (_write_whole if whole else _write_streamed)(path, out)
    except XmlRejectedError as error:
        return FlatCensus(index, path, lines, sha256, error=str(error).removeprefix(f"{path.name}: "))
    return FlatCensus(index, path, lines, sha256, lea, reference, children)


Facts = tuple[str | None, str | None, int]  # a file's LEA, reference date and number of children


def _write_whole(path: Path, out: BinaryIO) -> Facts:
    """The file parsed at once, and every child handed to the stylesheet in one go."""
    root = parse_file(path, source=path.name)
    if _local(root.tag) == "Child":
        raise XmlRejectedError(f"{path.name}: the Child elements must be inside Message/Children")
    headers = list(root.iter("{*}Header"))
    lea, reference = _header(headers[-1]) if headers else (None, None)
    counts: dict[Any, int] = {}  # each element holding children, with how many, in the order they come
    for child in root.iter("{*}Child"):
        parent = child.getparent()
        counts[parent] = counts.get(parent, 0) + 1
    children = 0
    for parent, count in counts.items():
        out.write(bytes(_transform(_namespace(parent.tag))(parent, offset=str(children), count=str(count))))
        children += count
    return lea, reference, children


def _write_streamed(path: Path, out: BinaryIO) -> Facts:
    """The file streamed, a batch of children handed to the stylesheet at a time and then dropped."""
    lea = reference = None
    children = written = 0
    parent: Any = None
    last: Any = None  # the latest child read

    def flush() -> None:
        """Write the children read since the last flush, then drop them from the tree.

        Events come a chunk of the file behind the parser, so the parent may already hold children whose
        events are still to come: only those up to the latest one read are written and dropped.
        """
        nonlocal written
        if children > written:
            count = str(children - written)
            out.write(bytes(_transform(_namespace(parent.tag))(parent, offset=str(written), count=count)))
            del parent[: parent.index(last) + 1]
            written = children

    for element in iter_elements(path, source=path.name, tags=("Header", "Child")):
        if element.tag.endswith("Header"):
            lea, reference = _header(element)
            continue
        if element.getparent() is None:
            raise XmlRejectedError(f"{path.name}: the Child elements must be inside Message/Children")
        if element.getparent() is not parent:
            flush()
            parent = element.getparent()
        children += 1
        last = element
        if children - written >= BATCH_CHILDREN:
            flush()
    flush()
    return lea, reference, children


def _header(element: Any) -> tuple[str | None, str | None]:
    return _text(element, "{*}Source/{*}LEA"), _text(element, "{*}CollectionDetails/{*}ReferenceDate")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(element: Any, path: str) -> str | None:
    text = element.findtext(path)
    return text.strip() or None if text is not None else None
