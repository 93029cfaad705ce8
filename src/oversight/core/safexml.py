"""Parse XML returns (CIN census, SSDA903 and the like) without entity expansion or external references.

A DTD is refused outright: a statutory return has no use for one, and refusing it stops billion-laughs,
quadratic blow-up, external entities (XXE) and external DTDs before anything is expanded or fetched.

Two parsers: ``parse_xml`` and ``iter_xml`` (defusedxml over the standard library's expat) hand each element
to Python, and ``iter_elements`` and ``parse_file`` (lxml over libxml2) build elements in C, streamed or a
whole file at once, for readers that then work on them in C too (the CIN census reader's XSLT). The same
refusals hold for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse


class XmlRejectedError(ValueError):
    """The file is not accepted; the message names it and says what to change."""


def parse_xml(data: bytes, *, source: str) -> Element:
    """The document's root element. ``source`` names the file in any message."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError) as error:
        raise _rejected(error, source) from None


def iter_xml(stream: IO[bytes], *, source: str, tags: Iterable[str]) -> Iterator[Element]:
    """Each element named in ``tags`` as soon as it is complete, for files too large to hold at once.

    Tags are matched on their local name, so a namespace in the file does not matter. An element is cleared
    and taken out of its parent once the caller moves on, so keep what is needed (``element.findtext(...)``),
    not the element itself: memory stays that of one element, however long the file.
    A fault late in the file is raised after earlier elements were yielded: read the whole file before writing.
    """
    wanted = frozenset(tags)
    open_elements: list[Element] = []  # the path from the root to the element being read
    try:
        for event, element in iterparse(
            stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        ):
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if element.tag.rpartition("}")[2] in wanted:
                yield element
                element.clear()
                if open_elements:  # drop it from its parent too, so a million children leave no million husks
                    open_elements[-1].remove(element)
    except (DefusedXmlException, ParseError) as error:
        raise _rejected(error, source) from None


def iter_elements(path: Path, *, source: str, tags: Iterable[str]) -> Iterator[Any]:
    """Each lxml element named in ``tags`` (local names, any namespace) as soon as it is complete.

    The element stays in its tree: the caller removes what it has finished with (``del parent[:]``), which
    keeps memory to what it holds. The file is first read up to its root element, and refused if it has a
    DTD: a DTD can only come before the root, so the parse proper meets none, no entity can be declared and
    nothing is fetched (``no_network``, ``load_dtd`` off; libxml2's own limits stay on, ``huge_tree`` off).
    """
    from lxml import etree

    wanted = [f"{{*}}{tag}" for tag in tags]
    with _lxml_errors(source):
        _check_prologue(path, source)
        first = True
        for _, element in etree.iterparse(
            str(path), events=("end",), tag=wanted, no_network=True, load_dtd=False, huge_tree=False
        ):
            if first:
                _refuse_dtd(element, source)
                first = False
            yield element


def parse_file(path: Path, *, source: str) -> Any:
    """The whole file as an lxml tree's root element, with the refusals of ``iter_elements``: for files small
    enough to hold at once, which libxml2 then reads without handing Python each element."""
    from lxml import etree

    with _lxml_errors(source):
        _check_prologue(path, source)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        root = etree.parse(str(path), parser).getroot()
        _refuse_dtd(root, source)
        return root


# Every lxml parse here: no network, no DTD loaded, no entities resolved, no huge trees.


def _check_prologue(path: Path, source: str) -> None:
    """Read the file up to its root element's start, and refuse it if it has a DTD."""
    from lxml import etree

    with path.open("rb") as stream:  # the first event comes at the root's start
        for _, root in etree.iterparse(
            stream, events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        ):
            _refuse_dtd(root, source)
            break


@contextmanager
def _lxml_errors(source: str) -> Iterator[None]:
    from lxml import etree

    try:
        yield
    except etree.XMLSyntaxError as error:
        line, column = error.position
        reason = re.sub(r", line \d+, column \d+$", "", str(error.msg))
        raise XmlRejectedError(
            f"{source}: the XML is not well formed at line {max(line, 1)}, column {max(column, 1)}: {reason}"
        ) from None


def _refuse_dtd(element: Any, source: str) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _rejected(DefusedXmlException(), source)


def _rejected(error: Exception, source: str) -> XmlRejectedError:
    if isinstance(error, ParseError):
        line, column = error.position
        # expat counts columns from 0; people and editors count from 1.
        return XmlRejectedError(
            f"{source}: the XML is not well formed at line {line}, column {column + 1}: {ErrorString(error.code)}"
        )
    return XmlRejectedError(
        f"{source}: the file declares a DTD or entities, which oversight does not accept: "
        "remove the <!DOCTYPE …> section"
    )
