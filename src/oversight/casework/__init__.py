"""The casework engine: case-level records from the DfE returns on embedded DuckDB, and measures over them."""
