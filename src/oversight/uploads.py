"""Files uploaded through a form, saved where an importer can read them by path."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile


@contextmanager
def uploads_saved(uploads: Iterable[UploadedFile]) -> Iterator[list[Path]]:
    """Each upload written to a temporary folder under its own name (an EES file's metadata is found by its
    name; a problem names the file as the user chose it), and the folder removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in uploads:
            path = Path(folder) / Path(upload.name or "upload").name
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(path)
        yield paths
