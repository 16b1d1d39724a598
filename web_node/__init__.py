"""The web front end: a live dashboard, a web shop and a headquarters page over gRPC to the central."""
