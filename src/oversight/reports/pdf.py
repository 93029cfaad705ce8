"""HTML to PDF, the one way every printed paper is made: WeasyPrint, fetching nothing from outside."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=16)
def pdf_from_html(html: str, *, tagged: bool = False) -> bytes:
    """The PDF of ``html``; ``tagged`` makes it PDF/UA-1 (a structure tree a screen reader follows).

    The same HTML always makes the same bytes, so the last few are kept: an approved quarter's scorecard is
    printed again and again, and its HTML does not change. Every fetch but a ``data:`` URI is refused, so no text
    in a figure's commentary can make the renderer read a file or call a server.
    """
    from weasyprint import HTML  # imported here: only PDF exports pay for loading it
    from weasyprint.urls import URLFetcher

    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",)))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1") if tagged else document.write_pdf()
    if not isinstance(pdf, bytes):
        raise AssertionError("isinstance(pdf, bytes)")
    return pdf
