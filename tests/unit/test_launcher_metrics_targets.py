"""run.py --metrics: one address a child, kept over a restart, listed in join.txt and prometheus.yml."""

from __future__ import annotations

from pathlib import Path

from launcher.supervise.metrics_targets import METRICS_ENV, MetricsTargets


def test_each_child_gets_its_own_address_and_keeps_it_when_restarted() -> None:
    targets = MetricsTargets()
    central = targets.env_for("central")[METRICS_ENV]
    shopper = targets.env_for("customer-01")[METRICS_ENV]
    assert central != shopper
    assert central.startswith("127.0.0.1:")
    assert targets.env_for("central")[METRICS_ENV] == central


def test_the_run_dir_gets_a_scrape_config_and_join_lines(tmp_path: Path) -> None:
    (tmp_path / "join.txt").write_text("central: 127.0.0.1:50051\n")
    targets = MetricsTargets()
    address = targets.env_for("central")[METRICS_ENV]
    config = targets.write(tmp_path)
    text = config.read_text()
    assert f'- targets: ["{address}"]' in text
    assert 'node: "central"' in text
    assert "scrape_interval:" in text
    join = (tmp_path / "join.txt").read_text().splitlines()
    assert join[0] == "central: 127.0.0.1:50051"
    assert f"metrics central: http://{address}/metrics" in join
    assert join[-1] == f"prometheus config: {config}"
