import pytest

from emotipal_infra.settings import PLACEHOLDER_SES_DOMAIN, settings_from_context


def test_defaults_to_dev_with_placeholder_domain():
    settings = settings_from_context({})
    assert (settings.stage, settings.ses_domain, settings.protect_data) == ("dev", PLACEHOLDER_SES_DOMAIN, False)
    assert settings.ses_sender == f"no-reply@{PLACEHOLDER_SES_DOMAIN}"


def test_prod_protects_data_and_requires_mfa():
    settings = settings_from_context({"stage": "prod", "sesDomain": "clinic.example.org"})
    assert settings.protect_data and settings.mfa_required
    assert settings.ses_sender == "no-reply@clinic.example.org"


@pytest.mark.parametrize("context", [{"stage": "staging"}, {"webDomain": "app.example.org"}])
def test_rejects_unknown_stage_and_domain_without_certificate(context):
    with pytest.raises(ValueError):
        settings_from_context(context)
