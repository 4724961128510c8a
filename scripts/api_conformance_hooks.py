"""Schemathesis hooks for scripts/api-conformance.

A schema cannot say everything a valid request needs: which conversation a
customer token opens, that a range's start comes before its end, which
subjects this server offers, that `all` and `agent_id` exclude each other.
These hooks make the generated requests meet those conditions (and only
those), so that a refusal the schema does not explain is a failure.
"""

import datetime
import os

import schemathesis

CUSTOMER_ID = int(os.environ["SWITCHBOARD_CUSTOMER_ID"])
CUSTOMER_TOKEN = os.environ["SWITCHBOARD_CUSTOMER_TOKEN"]
SUBJECT = os.environ["SWITCHBOARD_SUBJECT"]


def _instant(value):
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    path = case.operation.path
    query = case.query if isinstance(case.query, dict) else None
    if path == "/api/v1/archive" and query is not None:
        if "all" in query and "agent_id" in query:
            del query["agent_id"]
    if path.startswith("/api/v1/reports/chat") and query is not None:
        start, end = _instant(query.get("from")), _instant(query.get("to"))
        if start is not None and end is not None and start.tzinfo and end.tzinfo:
            if start > end:
                query["from"], query["to"] = query["to"], query["from"]
            elif start == end:
                try:
                    query["to"] = (end + datetime.timedelta(seconds=1)).isoformat()
                except OverflowError:
                    query["from"] = (start - datetime.timedelta(seconds=1)).isoformat()
    if path == "/api/v1/conversations/{id}/end" and isinstance(case.body, dict):
        if isinstance(case.body.get("subject"), dict):
            case.body["subject"] = {"known": SUBJECT}
    if path.startswith("/api/v1/customer/conversations/{id}"):
        # The customer API: the token opens one conversation.
        case.path_parameters = {**(case.path_parameters or {}), "id": CUSTOMER_ID}
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {CUSTOMER_TOKEN}"}
