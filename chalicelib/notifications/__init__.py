"""Messages to clients and clinicians: email (SES v2), SMS and push (SNS).

Messages carry no clinical content: a homework title at most, and a link. Templates
(jinja2) and boto3 load on first use, never when the app is imported.
"""
