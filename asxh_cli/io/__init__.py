"""Reading spreadsheets and register extracts; writing outputs atomically."""
