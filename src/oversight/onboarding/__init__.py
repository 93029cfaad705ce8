"""A council's start: the standard children's services scorecard, its returns loaded and computed, benchmarked."""
