"""The reason registry: every code a decision or a person's action can carry.

One entry per code says what it is called on the review screen, whether it blocks payment,
what would resolve it, and who may override it (``None``: nobody; the data must change).
The domain, the review screen, the docs (``docs/reasons.md``) and the tests read this one
table; ``Reason`` refuses a code that is not here, so a new check cannot ship a code that
the screen cannot explain or the gate cannot judge.

Roles rank reviewer < controller < admin: a higher role may do whatever a lower one may.
Bank and vendor-master findings need a controller, because paying the wrong account is the
costliest mistake AP can make; match exceptions need one too, because an override there
pays for something the PO or the goods receipt does not vouch for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

REVIEWER, CONTROLLER, ADMIN = "reviewer", "controller", "admin"
ROLE_RANK = {"integrator": 0, REVIEWER: 1, CONTROLLER: 2, ADMIN: 3}

# Groups, in the order the review screen lists them.
GROUPS = ("extraction", "arithmetic", "duplicate", "vendor", "bank", "amount", "match", "action")


@dataclass(frozen=True)
class ReasonSpec:
    code: str
    title: str
    group: str
    blocks_payment: bool
    override_role: Optional[str]  # lowest role that may override it; None: only new data resolves it
    resolve: str  # what would resolve it, in a clerk's words


def _spec(code, title, group, override_role, resolve, blocks_payment=True) -> ReasonSpec:
    return ReasonSpec(code, title, group, blocks_payment, override_role, resolve)


_SPECS = (
    # -- what extraction could not vouch for: a person confirms or corrects the value -------
    _spec("low_confidence", "A field was read with low confidence", "extraction", None,
          "check the field against the page and confirm or correct it"),
    _spec("missing_field", "A required field is missing", "extraction", None, "enter the field from the page"),
    _spec("unknown_vendor", "Vendor not in the vendor master", "extraction", None,
          "choose the vendor from the master, or have the vendor added to the master and check again"),
    _spec("einvoice_text_mismatch", "E-invoice data and printed text disagree", "extraction", None,
          "check which value is right and confirm or correct it"),
    _spec("ocr_unreadable", "A page could not be read", "extraction", None, "read the page and confirm or enter the fields"),
    _spec("cost_ceiling", "Not fully read: a cost ceiling was reached", "extraction", None,
          "read the pages the machine did not (listed in the message) and confirm or enter the fields; "
          "an operator may raise the ceiling in the policy and retry the document (runbooks/cost-ceiling.md)"),
    _spec("audit_sample", "Picked for a quality check", "extraction", None,
          "check every field against the page and confirm or correct it; invoices that would have gone straight "
          "through are sampled so the accuracy figures (invoicepipe drift) are not only from the hard cases"),
    _spec("iban_unreadable", "Bank details printed but unreadable", "bank", None,
          "read the IBAN off the page and enter it; the bank check then compares it with the vendor master"),
    _spec("einvoice_unreadable", "The embedded e-invoice could not be read", "extraction", None,
          "check the printed values against the page and confirm them"),
    # -- arithmetic -----------------------------------------------------------------------
    _spec("totals_inconsistent", "Amounts do not add up", "arithmetic", CONTROLLER,
          "correct net, tax, total or the lines so they add up, or reject the invoice"),
    _spec("einvoice_rule", "The e-invoice breaks an EN 16931 calculation rule", "arithmetic", CONTROLLER,
          "the XML is read exactly, so its sender computed it wrong: ask the vendor for a corrected e-invoice and reject "
          "this one, or a controller overrides with a note when the amount to pay is known to be right"),
    _spec("einvoice_line_amount", "An e-invoice line amount is not quantity × price", "arithmetic", None,
          "nothing, on its own: the line amount written counts (it may include what the price does not show); "
          "check the line when the invoice is held for another reason", blocks_payment=False),
    _spec("total_uncorroborated", "Nothing on the invoice confirms the total", "arithmetic", None,
          "confirm the total against the page, or enter the net and tax"),
    # -- duplicates -----------------------------------------------------------------------
    _spec("duplicate_suspected", "Possible duplicate", "duplicate", REVIEWER,
          "compare with the original: mark it a duplicate, or override with a note saying why it is a different invoice"),
    _spec("invoice_number_reused", "Invoice number used before by this vendor", "duplicate", REVIEWER,
          "check whether it corrects the earlier invoice; reject it, or override with a note"),
    # -- vendor master --------------------------------------------------------------------
    _spec("vendor_inactive", "Vendor is inactive", "vendor", CONTROLLER, "reactivate the vendor in the master, or reject the invoice"),
    _spec("vendor_changed", "Vendor changed by a reviewer", "vendor", CONTROLLER,
          "a controller confirms the vendor (or corrects it back)"),
    _spec("vendor_always_review", "Vendor is always reviewed", "vendor", REVIEWER, "a reviewer approves it"),
    # -- bank -----------------------------------------------------------------------------
    _spec("bank_mismatch", "Bank details do not match the vendor master", "bank", CONTROLLER,
          "a controller verifies the account with the vendor (by a known phone number) and overrides, or rejects"),
    _spec("bank_recently_changed", "Vendor changed bank details recently", "bank", CONTROLLER,
          "a controller verifies the change with the vendor and overrides"),
    _spec("bank_details_edited", "Bank details changed by a reviewer", "bank", CONTROLLER,
          "a controller confirms the bank details (or corrects them back)"),
    # -- amount policy --------------------------------------------------------------------
    _spec("amount_above_review_limit", "Amount above the review limit", "amount", CONTROLLER, "a controller approves it"),
    _spec("amount_above_vendor_limit", "Amount above the vendor's automatic limit", "amount", REVIEWER, "a reviewer approves it"),
    _spec("fx_rate_missing", "No exchange rate for the currency", "amount", CONTROLLER,
          "add the currency's rate to the policy, or a controller approves it"),
    # -- purchase order match -------------------------------------------------------------
    _spec("no_po", "No purchase order quoted", "match", REVIEWER,
          "enter the PO number if there is one; otherwise the budget owner's approval, noted in the override"),
    _spec("po_unknown", "Purchase order not found", "match", CONTROLLER, "correct the PO number, or load the PO and check again"),
    _spec("po_closed", "Purchase order is closed", "match", CONTROLLER, "ask purchasing to reopen the PO, or reject the invoice"),
    _spec("po_vendor_mismatch", "Purchase order belongs to another vendor", "match", CONTROLLER,
          "correct the PO number or the vendor"),
    _spec("currency_mismatch", "Currency differs from the purchase order", "match", CONTROLLER,
          "correct the currency, or have purchasing amend the PO"),
    _spec("price_variance", "Unit price above the purchase order", "match", CONTROLLER,
          "have purchasing amend the PO price, ask the vendor for a credit note, or a controller overrides"),
    _spec("not_received", "Goods not received yet", "match", CONTROLLER, "wait for the goods receipt, then check again"),
    _spec("quantity_over_received", "More billed than received", "match", CONTROLLER,
          "wait for the rest of the goods receipt, then check again; or ask the vendor for a credit note"),
    _spec("quantity_over_ordered", "More billed than ordered", "match", CONTROLLER, "have purchasing amend the PO, or reject"),
    _spec("cumulative_overbilling", "More billed than received, counting other invoices", "match", CONTROLLER,
          "compare with the other invoices on the PO line: one may be a duplicate or wrong"),
    _spec("line_not_on_po", "A line is not on the purchase order", "match", CONTROLLER,
          "correct the line or the PO number, or have purchasing add the line to the PO"),
    _spec("charge_not_on_po", "Charges not on the purchase order", "match", CONTROLLER,
          "have purchasing add the charge to the PO, or a controller overrides"),
    _spec("no_lines_to_match", "Nothing to match against the purchase order", "match", CONTROLLER,
          "enter the net amount or the lines"),
    _spec("amount_over_received", "Amount exceeds the value received", "match", CONTROLLER,
          "wait for the goods receipt, then check again"),
    _spec("credit_note", "Credit note on a purchase order", "match", REVIEWER, "apply it against the invoice it corrects"),
    # -- what people and the system did (recorded on audit events, never blocking) ----------
    _spec("reviewer_approved", "Approved by a person", "action", None, "", blocks_payment=False),
    _spec("reviewer_override", "Overridden by a person", "action", None, "", blocks_payment=False),
    _spec("reviewer_corrected", "Corrected by a person", "action", None, "", blocks_payment=False),
    _spec("reviewer_rejected", "Rejected by a person", "action", None, "", blocks_payment=False),
    _spec("reviewer_duplicate", "Marked a duplicate by a person", "action", None, "", blocks_payment=False),
    _spec("reviewer_hold", "Put on hold", "action", None, "", blocks_payment=False),
    _spec("reviewer_release", "Taken off hold", "action", None, "", blocks_payment=False),
    _spec("reviewer_reopened", "Reopened by a controller", "action", None, "", blocks_payment=False),
    _spec("gate_refused", "Payment gate refused approval", "action", None, "", blocks_payment=False),
    _spec("operator_retry", "Retried by an operator", "action", None, "", blocks_payment=False),
    _spec("retry_budget_exhausted", "Retry budget exhausted", "action", None, "", blocks_payment=False),
    _spec("unreadable", "Document could not be read", "action", None, "", blocks_payment=False),
    _spec("limit_exceeded", "Parsing needed more than a policy limit allows", "action", None, "", blocks_payment=False),
    _spec("reader_crashed", "The reader crashed on the document", "action", None, "", blocks_payment=False),
    _spec("delivery_refused", "The payable destination refused the invoice", "action", None, "", blocks_payment=False),
    _spec("export_replayed", "Export replayed by an operator", "action", None, "", blocks_payment=False),
    _spec("webhook_replayed", "Webhook delivery replayed by an operator", "action", None, "", blocks_payment=False),
    _spec("unsupported_input", "Not an accepted file", "action", None, "", blocks_payment=False),
    _spec("same_bytes", "The same file arrived again", "action", None, "", blocks_payment=False),
)

REGISTRY: dict[str, ReasonSpec] = {s.code: s for s in _SPECS}


class UnregisteredReason(ValueError):
    """A reason code that is not in the registry: a programming error, never bad input."""


def spec(code: str) -> ReasonSpec:
    """The registry entry of ``code``; UnregisteredReason when there is none."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise UnregisteredReason(f"reason code {code!r} is not registered in domain/reasons.py") from None


def role_at_least(role: Optional[str], needed: str) -> bool:
    return ROLE_RANK.get(role or "", -1) >= ROLE_RANK[needed]


def may_override(code: str, role: Optional[str]) -> bool:
    """True when ``role`` may override an open ``code`` (with a note)."""
    needed = spec(code).override_role
    return needed is not None and role_at_least(role, needed)


# An override that pays despite a bank, vendor-master, arithmetic or match finding (the
# ones only a controller may release) carries weight: the person confirms explicitly and
# writes a note an auditor can follow, not "ok".
WEIGHTY_NOTE_MIN = 15


def weighty(code: str) -> bool:
    """True when overriding ``code`` needs an explicit confirmation and a substantive note."""
    needed = REGISTRY[code].override_role if code in REGISTRY else None
    return needed is not None and ROLE_RANK[needed] >= ROLE_RANK[CONTROLLER]


def override_refusal(code: str, note: str, confirmed: bool) -> Optional[str]:
    """Why an override of ``code`` with this note cannot be recorded, or None."""
    if not (note or "").strip():
        return f"an override of {code} needs a note"
    if weighty(code):
        if len(note.strip()) < WEIGHTY_NOTE_MIN:
            return f"an override of {REGISTRY[code].title.lower()} needs a note of at least {WEIGHTY_NOTE_MIN} characters saying what was checked"
        if not confirmed:
            return f"confirm that you checked {REGISTRY[code].title.lower()} before overriding it"
    return None

