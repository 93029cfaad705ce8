"""The measure catalogue: one ``<id>.sql`` and one ``<id>.yml`` card per measure (see ``casework.engine``)."""
