"""Learning mode of ``eval extraction``: does one corrected invoice help the vendor's next?

For every vendor (master id, else printed name) and form with at least two documents, the
first is extracted and its ground truth applied as a reviewer's correction, which teaches
the layout memory (``learn_layout``) under the key the extractor will look up for that
vendor. The second is then extracted with and without that memory and both are scored
and routed exactly like the main evaluation.
"""

from __future__ import annotations

from collections import defaultdict

from ..domain.extraction import extract_invoice, learn_layout
from ..domain.layout_memory import vendor_memory_key
from . import extraction_metrics as m
from .configurations import Configuration
from .corpus import Corpus, LabelledDocument
from .extraction_eval import score_document


def _pairs(corpus: Corpus, reads: dict) -> list[tuple[LabelledDocument, LabelledDocument]]:
    """The first two readable documents of each vendor in one form; a vendor with no such pair
    contributes its first two documents in any form."""
    by_form: dict[tuple, list[LabelledDocument]] = defaultdict(list)
    by_vendor: dict[str, list[LabelledDocument]] = defaultdict(list)
    for doc in corpus.documents:
        read = reads[doc.name]
        if read.text is not None:
            by_form[(doc.vendor_key, doc.form or read.form)].append(doc)
            by_vendor[doc.vendor_key].append(doc)
    pairs = [(docs[0], docs[1]) for _, docs in sorted(by_form.items()) if len(docs) >= 2]
    paired = {first.vendor_key for first, _ in pairs}
    pairs += [(docs[0], docs[1]) for key, docs in sorted(by_vendor.items()) if key not in paired and len(docs) >= 2]
    return pairs


def memory_from_correction(first: LabelledDocument, read, corpus: Corpus) -> dict:
    """The layout memory after a reviewer corrected ``first`` to its ground truth."""
    machine = extract_invoice(read.text, corpus.vendors or ())
    vendor_id = first.truth.get("vendor_id") if corpus.vendors is not None else None
    key = vendor_memory_key(vendor_id or machine.value("vendor_id"), machine.value("vendor"))
    return {key: learn_layout(read.text, key, first.truth)} if key else {}


def _summary(outcomes: list[m.DocOutcome], config: Configuration) -> dict:
    fields = m.field_table(outcomes, config.policy)
    return {"fields": {n: {k: f[k] for k in ("accuracy", "coverage", "above_threshold", "above_threshold_accuracy")}
                       for n, f in fields.items() if f["critical"] or n in ("net", "tax", "due_date", "po_number")},
            **{k: v for k, v in m.routing_figures(outcomes).items() if k != "auto_wrong"}}


def learning(corpus: Corpus, reads: dict, config: Configuration) -> dict:
    """Second invoices scored without and with the memory learned from the first."""
    pairs = _pairs(corpus, reads)
    without, with_memory = [], []
    for first, second in pairs:
        memory = memory_from_correction(first, reads[first.name], corpus)
        without.append(score_document(second, reads[second.name], config, corpus))
        with_memory.append(score_document(second, reads[second.name], config, corpus, memory))
    return {"pairs": len(pairs), "without_memory": _summary(without, config), "with_memory": _summary(with_memory, config)}
