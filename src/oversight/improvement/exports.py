"""A plan exported in the layout councils already use: XLSX (``planfile``) and PDF (WeasyPrint, A4 landscape)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from oversight.improvement.models import Plan
from oversight.improvement.planfile import header_for, write_plan_xlsx
from oversight.improvement.selectors import plan_table
from oversight.reports.pdf import pdf_from_html

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _subtitle(plan: Plan) -> str:
    return f"{plan.local_authority} · {plan.accountable_body} · exported {timezone.localdate():%d %B %Y}".strip(" ·")


def render_html(plan: Plan) -> str:
    table = plan_table(plan)
    context = {"plan": plan, "table": table, "header": header_for(table.checkpoint_labels), "subtitle": _subtitle(plan)}
    return render_to_string("improvement/plan_print.html", context)


def render(plan: Plan, fmt: str) -> bytes:
    if fmt == "xlsx":
        return write_plan_xlsx(plan_table(plan), subtitle=_subtitle(plan))
    return pdf_from_html(render_html(plan))
