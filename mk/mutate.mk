# make mutate: mutation testing of the guards (tenancy and caseload scope, link and token
# checks, scoring and risk rules, send claims and the sweep's lease, submission
# idempotency) with mutmut 3. Not part of `make test`: about 30 minutes on 2 cores.
# Configuration: [tool.mutmut] in pyproject.toml; equivalent mutants: tests/MUTATION.md.
.PHONY: mutate mutate-clean

MUTATE_WORKERS ?= 2
# The guard functions, as mutmut names them (module.x_function, module.xǁClassǁmethod).
MUTATE_GUARDS ?= \
	'chalicelib.identity.principals.*' \
	'chalicelib.identity.practices.x_clinician_for__mutmut_*' \
	'chalicelib.identity.links.*' \
	'chalicelib.identity.tokens.*' \
	'chalicelib.clients.service.x__check_assignee__mutmut_*' \
	'chalicelib.clients.service.x_get_for_clinician__mutmut_*' \
	'chalicelib.clients.service.x_list_for_clinician__mutmut_*' \
	'chalicelib.clients.service.x_get_for_client__mutmut_*' \
	'chalicelib.homework.template_service.x__visible__mutmut_*' \
	'chalicelib.homework.scoring.*' \
	'chalicelib.homework.submission_service.x__own__mutmut_*' \
	'chalicelib.homework.submission_service.x__load__mutmut_*' \
	'chalicelib.homework.submission_service.x_submit__mutmut_*' \
	'chalicelib.homework.submission_service.x__replay__mutmut_*' \
	'chalicelib.homework.submission_service.x__request_hash__mutmut_*' \
	'chalicelib.homework.submission_service.x__idempotency_record_live__mutmut_*' \
	'chalicelib.store.reminders.x_claim__mutmut_*' \
	'chalicelib.store.reminders.x_lease__mutmut_*' \
	'chalicelib.store.reminders.x_replace_if_unchanged__mutmut_*' \
	'chalicelib.store.reminders.x_advance_checkpoint__mutmut_*' \
	'chalicelib.reminders.delivery.x__deliver__mutmut_*'

# mutants/ is rebuilt each run: the guards are re-tested against the code as it is now.
mutate: install
	rm -rf mutants && mkdir mutants
	$(VENV)/bin/mutmut run --max-children $(MUTATE_WORKERS) $(MUTATE_GUARDS) > mutants/run.log 2>&1 \
		|| { tail -40 mutants/run.log; exit 1; }
	$(PY) mk/mutation_score.py $(MUTATE_GUARDS)

mutate-clean:
	rm -rf mutants
