"""Models of the nrm app."""
