"""CI step: Django on its latest patch release, and pip-audit on the pinned requirements.

pip-audit exits 0 with "No known vulnerabilities found" even when it could not look a single
package up (no route to its vulnerability service): that must never read as a pass. This
wrapper counts what was really audited and prints one of three verdicts:

- vulnerabilities found: listed, exit 1 (CI fails);
- everything audited, nothing found: exit 0;
- some or all packages could not be audited: a loud "pip-audit could not reach the
  vulnerability database" with the reason, exit 0, unless AUDIT_REQUIRED=1 (then exit 2), so
  a machine without internet access does not fail forever while a connected CI can insist.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def main() -> int:
    command = [
        str(PIP_AUDIT),
        "--requirement",
        str(REQUIREMENTS),
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None

    if report is None:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return unaudited(f"pip-audit failed before auditing anything: {reason}")

    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = len(dependencies) - len(skipped)

    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} vulnerable package(s) among {audited} audited.")
        return 1
    if skipped:
        names = ", ".join(f"{dep['name']} ({dep.get('skip_reason')})" for dep in skipped[:5])
        return unaudited(f"{len(skipped)} of {len(dependencies)} packages not audited, e.g. {names}")
    print(f"pip-audit: {audited} packages audited, no known vulnerabilities.")
    return 0


def django_is_latest_patch() -> bool:
    """The pinned Django is the newest release of its series on the package index."""
    pinned = next(
        line.split("==", 1)[1].strip()
        for line in REQUIREMENTS.read_text().splitlines()
        if line.lower().startswith("django==")
    )
    series = ".".join(pinned.split(".")[:2]) + "."
    result = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "django"], capture_output=True, text=True, timeout=120
    )
    available = next((line for line in result.stdout.splitlines() if line.startswith("Available versions:")), "")
    versions = [v.strip() for v in available.removeprefix("Available versions:").split(",") if v.strip()]
    in_series = [v for v in versions if v.startswith(series) and all(part.isdigit() for part in v.split("."))]
    if not in_series:
        print("Could not list Django releases from the package index: Django's patch level NOT checked.")
        return True
    latest = max(in_series, key=lambda v: tuple(int(part) for part in v.split(".")))
    if latest != pinned:
        print(f"OUTDATED: Django {pinned} is pinned but {latest} is out: update requirements.txt.")
        return False
    print(f"Django {pinned} is the latest {series}x release.")
    return True


def unaudited(reason: str) -> int:
    banner = "!" * 78
    print(banner)
    print("pip-audit could not reach the vulnerability database: the dependencies were NOT audited.")
    print(f"Reason: {reason}")
    print("Run `.venv/bin/pip-audit -r requirements.txt` on a machine with internet access.")
    print(banner)
    return 2 if os.environ.get("AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    latest = django_is_latest_patch()
    status = main()
    sys.exit(status or (0 if latest else 1))
