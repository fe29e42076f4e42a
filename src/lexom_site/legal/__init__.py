"""The legal text: the one canonical CGV, the lint that keeps copies of it out
of every other file, and the comparison of any copy with it (legal-diff)."""
