"""run.py --metrics: a /metrics port for every child, listed in join.txt and in a ready prometheus.yml."""

from __future__ import annotations

from pathlib import Path

from launcher.records.join import JOIN_FILE
from nodekit.ports import free_port

PROMETHEUS_CONFIG = "prometheus.yml"
METRICS_ENV = "DISTRIBUTION_METRICS"
HOST = "127.0.0.1"
# Short runs (months of seconds): scrape often enough to see each month.
SCRAPE_INTERVAL = "1s"


class MetricsTargets:
    """The metrics address of each child by slug; a restarted child keeps its address."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}

    def env_for(self, slug: str) -> dict[str, str]:
        """The variable that turns metrics on for the child ``slug``, at its own port."""
        address = self.addresses.get(slug)
        if address is None:
            address = self.addresses[slug] = f"{HOST}:{free_port()}"
        return {METRICS_ENV: address}

    def join_lines(self) -> list[str]:
        """One line a child, for join.txt."""
        return [f"metrics {slug}: http://{address}/metrics" for slug, address in self.addresses.items()]

    def scrape_config(self) -> str:
        """A Prometheus configuration scraping every child, each labelled with its node."""
        lines = [
            "# Written by run.py --metrics: prometheus --config.file=prometheus.yml",
            "global:",
            f"  scrape_interval: {SCRAPE_INTERVAL}",
            "scrape_configs:",
            "  - job_name: distribution",
            "    static_configs:",
        ]
        for slug, address in self.addresses.items():
            lines += [f'      - targets: ["{address}"]', "        labels:", f'          node: "{slug}"']
        return "\n".join(lines) + "\n"

    def write(self, run_dir: Path) -> Path:
        """Writes prometheus.yml and adds the addresses to join.txt; returns the configuration's path."""
        config = run_dir / PROMETHEUS_CONFIG
        config.write_text(self.scrape_config(), encoding="utf-8")
        join = run_dir / JOIN_FILE
        with join.open("a", encoding="utf-8") as handle:
            handle.write("\n".join([*self.join_lines(), f"prometheus config: {config}"]) + "\n")
        return config
