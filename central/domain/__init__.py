"""The central's domain: plain Python rules, no gRPC and no database."""
