"""Parse XML returns (CIN census, SSDA903 and the like) without entity expansion or external references.

A DTD is refused outright: a statutory return has no use for one, and refusing it stops billion-laughs,
quadratic blow-up, external entities (XXE) and external DTDs before anything is expanded or fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, cast
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

# defusedxml ships no type information (mypy is told to ignore missing stubs): these are the module's only untyped
# names, and the two functions are given their types here.
import defusedxml.ElementTree as _defused
from defusedxml import DefusedXmlException

_fromstring = cast(Callable[..., Element], _defused.fromstring)
_iterparse = cast(Callable[..., Iterator[tuple[str, Element]]], _defused.iterparse)
_FORBID = {"forbid_dtd": True, "forbid_entities": True, "forbid_external": True}


class XmlRejected(ValueError):
    """The file is not accepted; the message names it and says what to change."""


def parse_xml(data: bytes, *, source: str) -> Element:
    """The document's root element. ``source`` names the file in any message."""
    try:
        return _fromstring(data, **_FORBID)
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
        for event, element in _iterparse(stream, events=("start", "end"), **_FORBID):
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


def _rejected(error: Exception, source: str) -> XmlRejected:
    if isinstance(error, ParseError):
        line, column = error.position
        # expat counts columns from 0; people and editors count from 1.
        return XmlRejected(
            f"{source}: the XML is not well formed at line {line}, column {column + 1}: {ErrorString(error.code)}"
        )
    return XmlRejected(
        f"{source}: the file declares a DTD or entities, which oversight does not accept: "
        "remove the <!DOCTYPE …> section"
    )
