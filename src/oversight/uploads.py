"""Files uploaded through a form, saved where an importer can read them by path."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile


def uploads_kept(uploads: Iterable[UploadedFile], folder: Path) -> list[Path]:
    """Each upload streamed into ``folder`` under its own name (an EES file's metadata is found by its name; a
    problem names the file as the user chose it), a chunk at a time, so a large file is never held in memory."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in uploads:
        path = folder / Path(upload.name or "upload").name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(path)
    return paths


@contextmanager
def uploads_saved(uploads: Iterable[UploadedFile]) -> Iterator[list[Path]]:
    """Each upload written to a temporary folder (``uploads_kept``), and the folder removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        yield uploads_kept(uploads, Path(folder))
