"""Models of the helpline app."""
