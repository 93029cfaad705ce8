"""Readers for the DfE returns: each checks whole files and stages typed rows; none writes to the store."""
