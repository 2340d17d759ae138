"""``invoicepipe eval extraction``: argument handling and output (exit 1 when a challenger loses)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..domain.extraction.labels import keep_label_languages
from .configurations import configuration
from .extraction_eval import compare, run
from .extraction_report import format_comparison, format_report
from .learning_eval import learning


def run_command(args) -> int:
    """Run the evaluation the arguments ask for, print it, return the exit code."""
    options = {"ignore_xml": args.ignore_xml, "workers": args.workers, "limit": args.limit, "include_text": args.include_text,
               "cache": Path(args.cache) if args.cache else None}
    policy = Path(args.policy) if args.policy else None
    if getattr(args, "label_languages", None):
        try:
            keep_label_languages(frozenset(x.strip() for x in args.label_languages.split(",") if x.strip()))
        except ValueError as exc:
            print(f"invoicepipe eval extraction: {exc}", file=sys.stderr)
            return 2
    if args.compare:
        result, acceptable = compare(Path(args.dir), *args.compare, margin=args.margin / 100, policy=policy, **options)
        print(json.dumps(result, indent=2) if args.json else format_comparison(result))
        return 0 if acceptable else 1
    config = configuration(args.config, policy)
    report, corpus, reads = run(Path(args.dir), config, **options)
    if args.learning:
        report["learning"] = learning(corpus, reads, config)
    if getattr(args, "label_languages", None):
        report["label_languages"] = sorted(x.strip() for x in args.label_languages.split(",") if x.strip())
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0
