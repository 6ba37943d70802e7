"""Exported worksheets: a client's homework as PDF (to read), CSV (to analyse) or FHIR R4
(to import elsewhere), stored in S3 (SSE-KMS, lifecycle expiry) behind short-lived links."""
