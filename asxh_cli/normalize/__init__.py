"""Pure normalisers: text, legacy encodings, IDs, dates, sex, banks, payment methods."""
