#!/usr/bin/env python3
"""The README's Prometheus section, tried as an operator would: Debian's Prometheus runs the
README's scrape config (only the target, the token file and the interval changed) against a
running `ptzgrab serve --token-file`, and must scrape it (up == 1, ptzgrab's metrics queryable);
a second job with a wrong token must be refused (up == 0, 401). `promtool` checks the config and
ptzgrab's /metrics text, and the README's metric table must match what /metrics exposes.

usage: prometheus_scrape_test.py PTZGRAB README
"""
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

from harness import STARTUP_TIMEOUT_S, Scene, check, free_port, http_get, summary, wait_until

SCRAPE_TIMEOUT_S = 30


def readme_scrape_config(readme_text):
    """The YAML block of the README's Prometheus section."""
    section = readme_text.split("### Prometheus", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def readme_metric_names(readme_text):
    section = readme_text.split("### Prometheus", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `(ptzgrab_[a-z_]+)", section, re.M))


def query(prometheus_url, expression):
    answer = json.loads(http_get(f"{prometheus_url}/api/v1/query?query={urllib.parse.quote(expression)}"))
    return answer["data"]["result"]


def main():
    ptzgrab, readme_path = sys.argv[1], sys.argv[2]
    for tool in ("prometheus", "promtool"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found (scripts/install-deps.sh --test installs Debian's prometheus)")
    readme = open(readme_path, encoding="utf-8").read()
    with Scene("ptzgrab-prometheus-") as scene:
        token = "prometheus-test-" + os.urandom(8).hex()
        token_file = scene.path("ptzgrab.token")
        wrong_token_file = scene.path("wrong.token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        with open(wrong_token_file, "w") as f:
            f.write("not-the-token\n")

        port = free_port()
        serve = scene.start("serve", [ptzgrab, "serve", "--port", str(port), "--token-file", token_file,
                                      "--static-dir", scene.path("static")])
        base = f"http://127.0.0.1:{port}"
        wait_until("ptzgrab serve", lambda: http_get(f"{base}/healthz"), STARTUP_TIMEOUT_S, [serve])
        http_get(f"{base}/stream/snapshot", token, timeout=30)  # a grab, so the grab metrics have samples

        metrics_text = http_get(f"{base}/metrics", token)
        lint = subprocess.run(["promtool", "check", "metrics"], input=metrics_text, capture_output=True,
                              text=True, timeout=60)
        check(lint.returncode == 0, f"promtool check metrics accepts /metrics {lint.stdout}{lint.stderr}".strip())
        exposed = set(re.findall(r"^# TYPE (ptzgrab_[a-z_]+) ", metrics_text, re.M))
        documented = readme_metric_names(readme)
        check(exposed - documented == set(), f"every exposed metric is in the README's table (missing: {sorted(exposed - documented)})")
        check(documented - exposed == set(), f"every metric in the README's table is exposed (not exposed: {sorted(documented - exposed)})")

        # The README's job, pointed at this server; a copy with a wrong token beside it.
        job = readme_scrape_config(readme)
        job = re.sub(r"credentials_file: \S+", f"credentials_file: {token_file}", job)
        job = re.sub(r'targets: \["[^"]+"\]', f'targets: ["127.0.0.1:{port}"]', job)
        job = re.sub(r"scrape_interval: \S+", "scrape_interval: 1s", job)
        check(token_file in job and f"127.0.0.1:{port}" in job, "the README's scrape config has a token file and a target")
        wrong = job.split("scrape_configs:\n", 1)[1].replace("job_name: ptzgrab", "job_name: ptzgrab-wrong-token")
        wrong = wrong.replace(token_file, wrong_token_file)
        config_path = scene.path("prometheus.yml")
        with open(config_path, "w") as f:
            f.write("global:\n  scrape_timeout: 1s\n" + job + wrong)
        checked = subprocess.run(["promtool", "check", "config", config_path], capture_output=True, text=True, timeout=60)
        check(checked.returncode == 0, f"promtool check config accepts the README's scrape config {checked.stderr.strip()}")

        prometheus_port = free_port()
        prometheus = scene.start("prometheus", ["prometheus", f"--config.file={config_path}",
                                                f"--storage.tsdb.path={scene.path('tsdb')}",
                                                f"--web.listen-address=127.0.0.1:{prometheus_port}"])
        prometheus_url = f"http://127.0.0.1:{prometheus_port}"
        wait_until("prometheus", lambda: http_get(f"{prometheus_url}/-/ready"), STARTUP_TIMEOUT_S, [prometheus])

        up = wait_until("a scrape of both jobs", lambda: len(query(prometheus_url, "up")) == 2 and query(prometheus_url, "up"),
                        SCRAPE_TIMEOUT_S, scene.children)
        by_job = {series["metric"]["job"]: series["value"][1] for series in up}
        check(by_job.get("ptzgrab") == "1", f"the README's job scrapes ptzgrab: up == 1 ({by_job})")
        check(by_job.get("ptzgrab-wrong-token") == "0", f"a wrong token is refused: up == 0 ({by_job})")
        targets = json.loads(http_get(f"{prometheus_url}/api/v1/targets"))["data"]["activeTargets"]
        wrong_error = [t["lastError"] for t in targets if t["labels"]["job"] == "ptzgrab-wrong-token"]
        check(bool(wrong_error) and "401" in wrong_error[0], f"and Prometheus says why: {wrong_error}")
        uptime = query(prometheus_url, 'ptzgrab_uptime_seconds{job="ptzgrab"}')
        check(len(uptime) == 1 and float(uptime[0]["value"][1]) > 0, f"ptzgrab_uptime_seconds is queryable ({uptime})")
        grabs = query(prometheus_url, 'ptzgrab_grabs_total{job="ptzgrab"}')
        check(len(grabs) == 1 and float(grabs[0]["value"][1]) >= 1, f"ptzgrab_grabs_total counts the grab ({grabs})")
        check(token not in scene.log("serve"), "the token appears nowhere in ptzgrab's log")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
