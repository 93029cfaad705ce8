"""Published benchmarking data (DfE Explore Education Statistics files) read into typed rows.

A plain Python package, not a Django app: it reads files and returns rows and problems; storing them is
for a service elsewhere.
"""
