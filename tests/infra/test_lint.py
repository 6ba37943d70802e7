import subprocess
import sys
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parents[2] / "infra"


def test_templates_are_cfn_lint_clean(stacks):
    paths = [str(s.path) for s in stacks.values()]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--config-file", str(INFRA_DIR / ".cfnlintrc.yaml"), "--", *paths],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
