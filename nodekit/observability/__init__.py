"""What an operator sees of a running node: Prometheus metrics and JSON logs, all off unless asked for."""
