"""The gRPC edge of the central: thin servicers, proto <-> domain conversion, access policy."""
