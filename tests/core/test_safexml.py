from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest

from oversight.core.safexml import XmlRejectedError, iter_elements, iter_xml, parse_file, parse_xml

DTD_MESSAGE = "the file declares a DTD or entities, which oversight does not accept: remove the <!DOCTYPE …> section"

CIN_CENSUS = b"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2012</Year>
      <ReferenceDate>2012-03-31</ReferenceDate>
    </CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>895</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>DEMO0001</LAchildID><PersonBirthDate>2005-06-01</PersonBirthDate></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2011-04-12</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>DEMO0002</LAchildID><PersonBirthDate>2009-11-20</PersonBirthDate></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2011-09-30</CINreferralDate>
        <ReferralSource>5C</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Child>&lol9;</Child></Message>
"""


def _xxe(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "{target}">]>
<Message><Child><LAchildID>&secret;</LAchildID></Child></Message>
""".encode()


Parse = Callable[[bytes], object]


def _whole(data: bytes) -> Element:
    return parse_xml(data, source="return.xml")


def _streamed(data: bytes) -> list[str | None]:
    return [child.findtext("LAchildID") for child in iter_xml(io.BytesIO(data), source="return.xml", tags={"Child"})]


def _in_c(data: bytes, folder: Path) -> list[str | None]:
    path = folder / "return.xml"
    path.write_bytes(data)
    return [child.findtext("{*}LAchildID") for child in iter_elements(path, source="return.xml", tags={"Child"})]


def _whole_in_c(data: bytes, folder: Path) -> list[str | None]:
    path = folder / "return.xml"
    path.write_bytes(data)
    return [child.findtext("{*}LAchildID") for child in parse_file(path, source="return.xml").iter("{*}Child")]


@pytest.fixture(params=["parse_xml", "iter_xml", "iter_elements", "parse_file"])
def parse(request: pytest.FixtureRequest, tmp_path: Path) -> Parse:
    if request.param == "iter_elements":
        return lambda data: _in_c(data, tmp_path)
    if request.param == "parse_file":
        return lambda data: _whole_in_c(data, tmp_path)
    return _whole if request.param == "parse_xml" else _streamed


both_parsers = pytest.mark.usefixtures("parse")


def test_a_cin_census_file_parses_to_its_elements() -> None:
    root = parse_xml(CIN_CENSUS, source="cin_2012.xml")
    assert root.tag == "Message"
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2012-03-31"
    children = root.findall("Children/Child")
    assert [child.findtext("ChildIdentifiers/LAchildID") for child in children] == ["DEMO0001", "DEMO0002"]
    assert [child.findtext("CINdetails/PrimaryNeedCode") for child in children] == ["N1", "N4"]


def test_streaming_yields_each_child_as_it_completes_and_then_clears_it() -> None:
    seen: list[tuple[str | None, str | None]] = []
    kept: list[Element] = []
    for child in iter_xml(io.BytesIO(CIN_CENSUS), source="cin_2012.xml", tags=["Child"]):
        seen.append((child.findtext("ChildIdentifiers/LAchildID"), child.findtext("CINdetails/ReferralSource")))
        kept.append(child)
    assert seen == [("DEMO0001", "1A"), ("DEMO0002", "5C")]
    assert all(len(child) == 0 for child in kept)  # cleared once passed, so a large file is not held whole


def test_streaming_memory_stays_that_of_one_child_however_many_the_file_holds() -> None:
    child = (
        "<Child><ChildIdentifiers><LAchildID>C{n:06d}</LAchildID></ChildIdentifiers><CINdetails>"
        "<CINreferralDate>2023-01-05</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails></Child>"
    )

    def peak(children: int) -> int:
        data = "<Message><Children>" + "".join(child.format(n=n) for n in range(children)) + "</Children></Message>"
        stream = io.BytesIO(data.encode())
        tracemalloc.start()
        try:
            count = sum(1 for _ in iter_xml(stream, source="cin.xml", tags={"Child"}))
            return tracemalloc.get_traced_memory()[1] if count == children else -1
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(20_000)
    # Twenty times the children, not twenty times the memory: finished children are dropped from the tree
    # (clearing them alone would leave an empty element per child, some 200 bytes each).
    assert 0 < large < small + 1_000_000


def test_streaming_matches_tags_whatever_their_namespace() -> None:
    data = b'<m:Message xmlns:m="urn:cin"><m:Child><m:LAchildID>A</m:LAchildID></m:Child></m:Message>'
    children = iter_xml(io.BytesIO(data), source="cin.xml", tags={"Child"})
    assert [child.findtext("{urn:cin}LAchildID") for child in children] == ["A"]


@both_parsers
def test_a_billion_laughs_file_is_rejected_before_any_expansion(parse: Parse) -> None:
    with pytest.raises(XmlRejectedError) as rejected:
        parse(BILLION_LAUGHS)
    assert str(rejected.value) == f"return.xml: {DTD_MESSAGE}"


@both_parsers
def test_a_quadratic_blowup_file_is_rejected(parse: Parse) -> None:
    entity = "A" * 100_000
    data = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "{entity}">]><m>' + "&a;" * 10_000 + "</m>").encode()
    with pytest.raises(XmlRejectedError, match="declares a DTD or entities"):
        parse(data)


@both_parsers
def test_an_xxe_file_reading_etc_passwd_is_rejected_and_reveals_nothing(parse: Parse) -> None:
    passwd = Path("/etc/passwd")
    with pytest.raises(XmlRejectedError) as rejected:
        parse(_xxe(passwd.as_uri()))
    assert str(rejected.value) == f"return.xml: {DTD_MESSAGE}"
    if passwd.exists():
        first_line = passwd.read_text(encoding="utf-8").splitlines()[0]
        assert first_line not in str(rejected.value)
    assert "root:" not in str(rejected.value)


@both_parsers
def test_an_xxe_file_never_returns_the_content_of_the_file_it_names(parse: Parse, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CHILD-PROTECTION-PLAN-MARKER", encoding="utf-8")
    with pytest.raises(XmlRejectedError) as rejected:
        parse(_xxe(secret.as_uri()))
    assert "CHILD-PROTECTION-PLAN-MARKER" not in str(rejected.value)


@both_parsers
def test_an_external_dtd_is_rejected_without_being_fetched(parse: Parse) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE Message SYSTEM "http://127.0.0.1:9/cin.dtd">\n<Message/>'
    with pytest.raises(XmlRejectedError) as rejected:
        parse(data)
    assert str(rejected.value) == f"return.xml: {DTD_MESSAGE}"


@both_parsers
def test_an_external_parameter_entity_is_rejected(parse: Parse) -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]><m/>'
    with pytest.raises(XmlRejectedError, match="remove the <!DOCTYPE …> section"):
        parse(data)


@pytest.mark.parametrize("parse", [_whole, _streamed], ids=["parse_xml", "iter_xml"])
def test_a_malformed_file_is_rejected_with_its_line_and_column(parse: Parse) -> None:
    data = b"<Message>\n  <Child>\n    <LAchildID>A1</LAchildID>\n  </Chld>\n</Message>\n"
    with pytest.raises(XmlRejectedError) as rejected:
        parse(data)
    assert str(rejected.value) == "return.xml: the XML is not well formed at line 4, column 5: mismatched tag"


@pytest.mark.parametrize("parse", [_whole, _streamed], ids=["parse_xml", "iter_xml"])
def test_an_undeclared_entity_is_a_well_formedness_fault(parse: Parse) -> None:
    with pytest.raises(XmlRejectedError) as rejected:
        parse(b"<Message>\n<Child>&nbsp;</Child></Message>")
    assert str(rejected.value) == "return.xml: the XML is not well formed at line 2, column 8: undefined entity"


def test_libxml2_names_the_line_and_column_of_a_fault_in_its_own_words(tmp_path: Path) -> None:
    cases = {
        b"<Message>\n  <Child>\n    <LAchildID>A1</LAchildID>\n  </Chld>\n</Message>\n": (
            "line 4, column 10: Opening and ending tag mismatch: Child line 2 and Chld"
        ),
        b"<Message>\n<Child>&nbsp;</Child></Message>": "line 2, column 14: Entity 'nbsp' not defined",
        b"": "line 1, column 1: no element found",
    }
    for data, where in cases.items():
        for read in (_in_c, _whole_in_c):
            with pytest.raises(XmlRejectedError) as rejected:
                read(data, tmp_path)
            assert str(rejected.value) == f"return.xml: the XML is not well formed at {where}"


def test_elements_built_in_c_stay_in_their_tree_until_the_caller_drops_them(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    path.write_bytes(CIN_CENSUS)
    seen = []
    for child in iter_elements(path, source="cin.xml", tags=["Child", "Header"]):
        seen.append((child.tag, child.findtext("ChildIdentifiers/LAchildID")))
        if child.tag == "Child":
            parent = child.getparent()
            assert parent.tag == "Children"
            # Events come a chunk behind the parser: the second child is already in the tree while the first
            # is handed over, so a reader drops what it has read, up to this element, and no more.
            del parent[: parent.index(child) + 1]
    assert seen == [("Header", None), ("Child", "DEMO0001"), ("Child", "DEMO0002")]


def test_an_empty_file_is_rejected_plainly() -> None:
    with pytest.raises(XmlRejectedError) as rejected:
        parse_xml(b"", source="empty.xml")
    assert str(rejected.value) == "empty.xml: the XML is not well formed at line 1, column 1: no element found"
    assert isinstance(rejected.value, ValueError)
