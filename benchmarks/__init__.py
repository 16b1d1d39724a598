"""Benchmarks: the central side by side with a bare grpc.aio echo server, printed as JSON."""
