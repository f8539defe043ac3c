"""Outputs for people: cleaned lists, reports, Phụ lục 1 and Phụ lục 2 workbooks."""
