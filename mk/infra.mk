# Infrastructure (AWS CDK, Python). Included by the top-level Makefile.
#
#   make synth [STAGE=dev|prod] [CDK_CONTEXT='-c sesDomain=clinic.example.org']
#       CloudFormation templates into infra/cdk.out/ (no AWS account, no cdk CLI).
#   make deploy STAGE=prod CDK_CONTEXT='-c sesDomain=... -c alarmEmail=...'
#       Deploys with the caller's AWS credentials (AWS_PROFILE or the usual env vars);
#       the account must be bootstrapped once: npx aws-cdk@2 bootstrap aws://ACCOUNT/REGION
#   make infra-test    tests/infra (CDK assertions, cfn-lint, checkov)
#   make package-size  the zipped Lambda package, in MB
#
# The infra toolchain lives in its own virtualenv so checkov's pins never touch .venv.

INFRA_VENV ?= .venv-infra
INFRA_PY ?= $(INFRA_VENV)/bin/python
STAGE ?= dev
CDK_CONTEXT ?=
CDK_CLI ?= npx --yes aws-cdk@2

.PHONY: synth deploy infra-test package-size requirements infra-venv

$(INFRA_VENV)/.installed: pyproject.toml
	python3 -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/pip install --quiet --upgrade pip
	$(INFRA_VENV)/bin/pip install --quiet -e '.[infra]'
	touch $@

infra-venv: $(INFRA_VENV)/.installed

# The Lambda's requirements.txt is generated from pyproject.toml (not committed).
requirements: infra-venv
	$(INFRA_PY) infra/gen_requirements.py

synth: requirements
	cd infra && ../$(INFRA_PY) app.py -c stage=$(STAGE) $(CDK_CONTEXT)
	@echo "templates: infra/cdk.out/$(STAGE).template.json"

deploy: requirements
	cd infra && $(CDK_CLI) deploy --all --require-approval broadening -c stage=$(STAGE) $(CDK_CONTEXT)

infra-test: requirements
	$(INFRA_PY) -m pytest tests/infra -q -p no:cacheprovider

package-size: requirements
	$(INFRA_PY) infra/package_size.py --stage $(STAGE)
