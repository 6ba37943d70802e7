"""A thin, typed wrapper over the low-level DynamoDB client.

Items go in and come out as plain Python values (ints stay ints, strings stay
strings). Only GetItem, Query, BatchGet/BatchWrite and (Transact)Write calls exist
here: the product never scans.
"""
from __future__ import annotations

import base64
import binascii
import json
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, TypeVar, overload

from chalicelib.aws import client
from chalicelib.config import get_settings


class ConditionFailed(Exception):
    """A conditional write found the item not as expected (optimistic concurrency)."""


from chalicelib.errors import BadPageToken  # noqa: E402 - a `next_token` this query did not hand out (400)
from chalicelib.errors import Unavailable, aws_error_code  # noqa: E402


class Unprocessed(Unavailable):
    """DynamoDB still left keys or items unprocessed after every retry (sustained throttling):
    busy, not broken, so the caller may retry (503 + Retry-After)."""


T = TypeVar("T")
BATCH_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 2.0
_sleep = time.sleep  # tests replace it


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_token: str | None


def _table() -> str:
    return get_settings().table_name


def _ddb() -> Any:
    return client("dynamodb")


# -- (de)serialisation -------------------------------------------------------

def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def _plain_to_ddb(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _plain_to_ddb(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_to_ddb(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    s = _serializer()
    return {k: s.serialize(_plain_to_ddb(v)) for k, v in item.items() if v is not None}


def _ddb_to_plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _ddb_to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return [_ddb_to_plain(v) for v in value]
    return value


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    d = TypeDeserializer()
    return {k: _ddb_to_plain(d.deserialize(v)) for k, v in item.items()}


def _values(values: dict[str, Any] | None) -> dict[str, Any]:
    return serialize(values) if values else {}


def _condition_kwargs(condition: str | None, names: dict[str, str] | None,
                      values: dict[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if values:
        kwargs["ExpressionAttributeValues"] = _values(values)
    return kwargs


def _is_condition_failure(error: Exception) -> bool:
    code = aws_error_code(error)
    if code == "TransactionCanceledException":
        # Cancelled by a conflicting transaction or throttling is not a failed condition:
        # it stays a ClientError, which the HTTP layer answers 503 + Retry-After.
        from chalicelib.deadline import is_unavailable

        return not is_unavailable(error)
    return code == "ConditionalCheckFailedException"


# -- single items -------------------------------------------------------------

def get(key: dict[str, str], *, consistent: bool = False) -> dict[str, Any] | None:
    response = _ddb().get_item(TableName=_table(), Key=serialize(key), ConsistentRead=consistent)
    item = response.get("Item")
    return deserialize(item) if item else None


def put(item: dict[str, Any], *, condition: str | None = None,
        names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> None:
    from botocore.exceptions import ClientError

    try:
        _ddb().put_item(TableName=_table(), Item=serialize(item), **_condition_kwargs(condition, names, values))
    except ClientError as error:
        if _is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


def delete(key: dict[str, str], *, condition: str | None = None,
           names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> None:
    from botocore.exceptions import ClientError

    try:
        _ddb().delete_item(TableName=_table(), Key=serialize(key), **_condition_kwargs(condition, names, values))
    except ClientError as error:
        if _is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


@overload
def update(key: dict[str, str], *, set: dict[str, Any] | None = ..., add: dict[str, Any] | None = ...,
           remove: Iterable[str] = ..., condition: str | None = ..., names: dict[str, str] | None = ...,
           values: dict[str, Any] | None = ..., return_item: Literal[False] = ...) -> None: ...
@overload
def update(key: dict[str, str], *, set: dict[str, Any] | None = ..., add: dict[str, Any] | None = ...,
           remove: Iterable[str] = ..., condition: str | None = ..., names: dict[str, str] | None = ...,
           values: dict[str, Any] | None = ..., return_item: Literal[True]) -> dict[str, Any]: ...
def update(key: dict[str, str], *, set: dict[str, Any] | None = None, add: dict[str, Any] | None = None,
           remove: Iterable[str] = (), condition: str | None = None, names: dict[str, str] | None = None,
           values: dict[str, Any] | None = None, return_item: bool = False) -> dict[str, Any] | None:
    """UpdateItem: SET, ADD (numbers) and REMOVE attributes by name, optionally conditional.

    Attribute names are passed as plain names (any name, reserved words included);
    `condition` refers to its own placeholders in `names` / `values`. Raises
    ConditionFailed when the condition does not hold. With `return_item` the item as
    written is returned.
    """
    from botocore.exceptions import ClientError

    all_names = dict(names or {})
    all_values = dict(values or {})
    clauses: dict[str, list[str]] = {"SET": [], "ADD": [], "REMOVE": []}
    for n, (name, value) in enumerate((set or {}).items()):
        all_names[f"#u{n}"], all_values[f":u{n}"] = name, value
        clauses["SET"].append(f"#u{n} = :u{n}")
    for n, (name, value) in enumerate((add or {}).items()):
        all_names[f"#a{n}"], all_values[f":a{n}"] = name, value
        clauses["ADD"].append(f"#a{n} :a{n}")
    for n, name in enumerate(remove):
        all_names[f"#r{n}"] = name
        clauses["REMOVE"].append(f"#r{n}")
    expression = " ".join(f"{verb} {', '.join(parts)}" for verb, parts in clauses.items() if parts)
    kwargs = _condition_kwargs(condition, all_names, all_values)
    try:
        response = _ddb().update_item(TableName=_table(), Key=serialize(key), UpdateExpression=expression,
                                      ReturnValues="ALL_NEW" if return_item else "NONE", **kwargs)
    except ClientError as error:
        if _is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise
    return deserialize(response["Attributes"]) if return_item else None


def retry_on_conflict(write: Callable[[], T], *, give_up: Callable[[], Exception], attempts: int = 3,
                      retry: bool = True) -> T:
    """Optimistic concurrency: run `write` (read, decide, conditional write) again while
    another writer gets there first (ConditionFailed), then raise `give_up()`.

    `retry=False` gives up at the first conflict: the caller named the version it
    expected, so re-applying its change to someone else's would overwrite theirs.
    """
    for _ in range(attempts if retry else 1):
        try:
            return write()
        except ConditionFailed:
            continue
    raise give_up()


def put_versioned(item: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
    """Optimistic concurrency: write `item` only if the stored version is `expected_version`.

    `expected_version=None` means "must not exist yet". The written item carries
    `version = expected_version + 1` (1 for a new item) and is returned.
    Raises ConditionFailed when another writer got there first.
    """
    new_item = {**item, "version": (expected_version or 0) + 1}
    if expected_version is None:
        put(new_item, condition="attribute_not_exists(pk)")
    else:
        put(new_item, condition="#v = :expected", names={"#v": "version"}, values={":expected": expected_version})
    return new_item


# -- transactions ---------------------------------------------------------------

def put_action(item: dict[str, Any], *, condition: str | None = None,
               names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Put": {"TableName": _table(), "Item": serialize(item), **_condition_kwargs(condition, names, values)}}


def versioned_put_action(item: dict[str, Any], expected_version: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The transactional form of `put_versioned`: (action, item as it will be written)."""
    new_item = {**item, "version": (expected_version or 0) + 1}
    if expected_version is None:
        return put_action(new_item, condition="attribute_not_exists(pk)"), new_item
    return put_action(new_item, condition="#v = :expected", names={"#v": "version"},
                      values={":expected": expected_version}), new_item


def delete_action(key: dict[str, str], *, condition: str | None = None,
                  names: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Delete": {"TableName": _table(), "Key": serialize(key), **_condition_kwargs(condition, names, values)}}


def transact(actions: list[dict[str, Any]]) -> None:
    """All-or-nothing write. Raises ConditionFailed if any condition fails."""
    from botocore.exceptions import ClientError

    if not actions:
        return
    try:
        _ddb().transact_write_items(TransactItems=actions)
    except ClientError as error:
        if _is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


# -- many items -----------------------------------------------------------------

def encode_page_token(last_key: dict[str, Any] | None) -> str | None:
    return _encode_key(last_key) if last_key else None


def _encode_key(last_key: dict[str, Any]) -> str:
    raw = json.dumps(deserialize(last_key), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def page_token_for(item: dict[str, Any], index: str | None = None) -> str:
    """A `next_token` that resumes a query just after `item`."""
    from chalicelib.store.schema import GLOBAL_SECONDARY_INDEXES

    names = ["pk", "sk", *(GLOBAL_SECONDARY_INDEXES[index] if index else ())]
    return _encode_key(serialize({name: item[name] for name in names}))


def _sane_key_value(value: Any) -> bool:
    try:  # DynamoDB refuses empty, over-long (bytes) and non-UTF-8 key strings with a 400 of its own
        return isinstance(value, str) and 0 < len(value.encode("utf-8")) <= 512
    except UnicodeEncodeError:
        return False


def decode_page_token(token: str | None, *, partition_attr: str, partition_value: str, index: str | None = None,
                      sk_prefix: str | None = None) -> dict[str, Any] | None:
    """Turn a `next_token` back into an ExclusiveStartKey, refusing one from another query.

    It must hold exactly the key attributes of the table (and of `index`), as short
    strings, in this partition and sort-key range: anything else would reach DynamoDB
    as a ValidationException."""
    from chalicelib.store.schema import GLOBAL_SECONDARY_INDEXES, PARTITION_KEY, SORT_KEY

    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as error:
        raise BadPageToken("next_token is not valid") from error
    sort_attr = GLOBAL_SECONDARY_INDEXES[index][1] if index else SORT_KEY
    expected = {PARTITION_KEY, SORT_KEY, *(GLOBAL_SECONDARY_INDEXES[index] if index else ())}
    if not isinstance(key, dict) or set(key) != expected or key.get(partition_attr) != partition_value \
            or not all(_sane_key_value(v) for v in key.values()) \
            or (sk_prefix and not key[sort_attr].startswith(sk_prefix)):
        raise BadPageToken("next_token does not belong to this list")
    return serialize(key)


def _key_attrs(index: str | None) -> tuple[str, str]:
    from chalicelib.store.schema import GLOBAL_SECONDARY_INDEXES, PARTITION_KEY, SORT_KEY

    return GLOBAL_SECONDARY_INDEXES[index] if index else (PARTITION_KEY, SORT_KEY)


def _query_kwargs(partition_value: str, *, index: str | None, sk_prefix: str | None, sk_at_most: str | None,
                  limit: int | None, forward: bool, consistent: bool, sk_from: str | None = None) -> dict[str, Any]:
    pk_attr, sk_attr = _key_attrs(index)
    condition = "#pk = :pk"
    names = {"#pk": pk_attr}
    values: dict[str, Any] = {":pk": partition_value}
    if sk_prefix:
        condition += " AND begins_with(#sk, :prefix)"
        names["#sk"] = sk_attr
        values[":prefix"] = sk_prefix
    elif sk_at_most:
        condition += " AND #sk <= :most"
        names["#sk"] = sk_attr
        values[":most"] = sk_at_most
    elif sk_from:
        condition += " AND #sk >= :from"
        names["#sk"] = sk_attr
        values[":from"] = sk_from
    kwargs: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": serialize(values),
        "ScanIndexForward": forward,
    }
    if index:
        kwargs["IndexName"] = index
    elif consistent:
        kwargs["ConsistentRead"] = True
    if limit:
        kwargs["Limit"] = limit
    return kwargs


def query(partition_value: str, *, index: str | None = None, sk_prefix: str | None = None,
          limit: int | None = None, next_token: str | None = None, forward: bool = True,
          consistent: bool = False) -> Page:
    """One page of a partition (of the table or of a GSI), optionally by sort-key prefix."""
    kwargs = _query_kwargs(partition_value, index=index, sk_prefix=sk_prefix, sk_at_most=None, limit=limit,
                           forward=forward, consistent=consistent)
    start = decode_page_token(next_token, partition_attr=_key_attrs(index)[0], partition_value=partition_value,
                              index=index, sk_prefix=sk_prefix)
    if start:
        kwargs["ExclusiveStartKey"] = start
    response = _ddb().query(**kwargs)
    return Page(
        items=[deserialize(i) for i in response.get("Items", [])],
        next_token=encode_page_token(response.get("LastEvaluatedKey")),
    )


def query_pages(partition_value: str, *, index: str | None = None, sk_prefix: str | None = None,
                sk_at_most: str | None = None, sk_from: str | None = None, page_size: int | None = None,
                forward: bool = True, consistent: bool = False) -> Iterator[list[dict[str, Any]]]:
    """Every non-empty page of a partition (or of the part of it with sort key <= `sk_at_most`,
    or >= `sk_from`). A page ends at `page_size` items or DynamoDB's 1 MB, whichever comes first."""
    kwargs = _query_kwargs(partition_value, index=index, sk_prefix=sk_prefix, sk_at_most=sk_at_most,
                           limit=page_size, forward=forward, consistent=consistent, sk_from=sk_from)
    while True:
        response = _ddb().query(**kwargs)
        items = [deserialize(i) for i in response.get("Items", [])]
        if items:
            yield items
        start = response.get("LastEvaluatedKey")
        if not start:
            return
        kwargs["ExclusiveStartKey"] = start


def query_all(partition_value: str, **kwargs: Any) -> Iterable[dict[str, Any]]:
    """Every item of a partition, page by page (for bounded partitions only)."""
    for page in query_pages(partition_value, **kwargs):
        yield from page


def _backoff(attempt: int) -> None:
    """Exponential backoff with full jitter, capped, before retry number `attempt` (1, 2, ...)."""
    from chalicelib.deadline import DeadlineExceeded, remaining

    pause = random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** attempt))
    left = remaining()
    if left is not None and pause >= left:  # a person is waiting: answer 503 now, not after the sleep
        raise DeadlineExceeded("request deadline too close for another batch attempt")
    _sleep(pause)


def batch_get(keys: list[dict[str, str]], *, consistent: bool = False) -> list[dict[str, Any]]:
    """Many items by key (unordered, duplicates asked once), retrying unprocessed keys with
    backoff. Raises Unprocessed if DynamoDB still holds some back after BATCH_ATTEMPTS."""
    name = _table()
    found: list[dict[str, Any]] = []
    unique = list({(k["pk"], k["sk"]): k for k in keys}.values())
    for offset in range(0, len(unique), 100):
        request: dict[str, Any] = {name: {"Keys": [serialize(k) for k in unique[offset:offset + 100]],
                                          "ConsistentRead": consistent}}
        for attempt in range(BATCH_ATTEMPTS):
            if attempt:
                _backoff(attempt)
            response = _ddb().batch_get_item(RequestItems=request)
            found.extend(deserialize(i) for i in response.get("Responses", {}).get(name, []))
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise Unprocessed(f"DynamoDB left {len(request[name]['Keys'])} keys unprocessed "
                              f"after {BATCH_ATTEMPTS} attempts")
    return found


def batch_write(puts: Iterable[dict[str, Any]] = (), deletes: Iterable[dict[str, str]] = ()) -> None:
    """Unconditional puts and deletes, 25 at a time, retrying unprocessed items."""
    requests = [{"PutRequest": {"Item": serialize(i)}} for i in puts]
    requests += [{"DeleteRequest": {"Key": serialize(k)}} for k in deletes]
    while requests:
        chunk, requests = requests[:25], requests[25:]
        pending = {_table(): chunk}
        for attempt in range(BATCH_ATTEMPTS):
            if attempt:
                _backoff(attempt)
            response = _ddb().batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                break
        else:
            raise Unprocessed(f"DynamoDB left {len(pending[_table()])} items unprocessed "
                              f"after {BATCH_ATTEMPTS} attempts")
