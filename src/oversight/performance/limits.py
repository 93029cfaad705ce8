"""How long free text may be, wherever it comes in: the import format, the forms and the models share these."""

LONG_TEXT = 4000  # descriptions, definitions, notes on an indicator, commentary, glossary explanations
NOTE_TEXT = 1000  # a note beside one figure or target
