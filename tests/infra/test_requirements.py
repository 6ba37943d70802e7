import tomllib
from pathlib import Path

import gen_requirements

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_runtime_packages_are_left_out_and_the_rest_kept_in_order():
    pyproject = {"project": {"dependencies": [
        "chalice>=1.34,<2", "boto3>=1.40", "Botocore==1.40.1", "pydantic>=2.12,<3", "pyjwt[crypto]>=2.10,<3",
    ]}}
    assert gen_requirements.lambda_requirements(pyproject) == ["pydantic>=2.12,<3", "pyjwt[crypto]>=2.10,<3"]


def test_generated_file_matches_pyproject():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert gen_requirements.main([]) == 0
    lines = [
        line for line in (REPO_ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("#")
    ]
    expected = [d for d in pyproject["project"]["dependencies"]
                if not d.lower().startswith(("boto3", "botocore", "chalice"))]
    assert lines == expected and lines
    assert gen_requirements.main(["--check"]) == 0
