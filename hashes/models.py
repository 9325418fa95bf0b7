"""Models of the hashes app."""
