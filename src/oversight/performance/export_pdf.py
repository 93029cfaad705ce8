"""The scorecard as a printed committee pack: HTML from a Django template, laid out on A4 by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from oversight.performance.disclosure import publication_notice, view_for_publication
from oversight.performance.export_records import EXTRA_EXPLANATIONS, rag_rules
from oversight.performance.models import GlossaryEntry
from oversight.performance.selectors import ScorecardView
from oversight.reports.pdf import pdf_from_html

TEMPLATE = "reports/scorecard_print.html"
# The reader meets the columns first, then the rating words, then the acronyms.
_KIND_ORDER: dict[str, int] = {
    GlossaryEntry.Kind.COLUMN.value: 0,
    GlossaryEntry.Kind.RAG.value: 1,
    GlossaryEntry.Kind.ACRONYM.value: 2,
}


def glossary() -> list[GlossaryEntry]:
    entries = GlossaryEntry.objects.order_by("kind", "term")
    return sorted(entries, key=lambda entry: (_KIND_ORDER.get(entry.kind, len(_KIND_ORDER)), entry.term.lower()))


def render_html(view: ScorecardView, *, publication: bool = False) -> str:
    """The print HTML on its own, for checking the layout in a browser. For publication, small numbers are
    withheld (see performance.disclosure) and the pack says which, instead of being stamped internal."""
    lead, steps = rag_rules()
    notice = ""
    if publication:
        published = view_for_publication(view)
        view, notice = published.view, publication_notice(published)
    context = {
        "view": view,
        "publication_notice": notice,
        "generated": None if view.approved_on else timezone.localdate(),
        "glossary": glossary(),
        "rules_lead": lead,
        "rules": steps,
        "extra_explanations": EXTRA_EXPLANATIONS,
    }
    return render_to_string(TEMPLATE, context)


def render_pdf(view: ScorecardView, *, publication: bool = False) -> bytes:
    return pdf_from_html(render_html(view, publication=publication))
