"""Settings shared by every suite: no real AWS credentials, a fixed region."""
import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SECURITY_TOKEN", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = "eu-west-2"
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
# In-process moto on a busy machine can take seconds per request; tests/faults checks the deadline.
os.environ.setdefault("EMOTIPAL_REQUEST_DEADLINE_SECONDS", "25")
