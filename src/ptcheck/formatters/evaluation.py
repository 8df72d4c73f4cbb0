"""The text report of `ptcheck eval`."""

from __future__ import annotations

from ptcheck.evaluation import Evaluation


def render_evaluation(evaluation: Evaluation) -> str:
    """Accuracy, the confusion table, per statute and per item (weakest first)."""
    confusion = evaluation.confusion
    lines = [
        f"item accuracy {evaluation.accuracy:.3f} over {evaluation.total} labels"
        f" (contested left out); false met {confusion['fp']}"
        f" ({100 * evaluation.false_met_rate:.1f} %), false missing {confusion['fn']}",
        "",
        "                    labelled true   labelled false",
        f"  predicted met     {confusion['tp']:>13}   {confusion['fp']:>14}",
        f"  predicted not     {confusion['fn']:>13}   {confusion['tn']:>14}",
        "",
        "per statute:",
    ]
    for statute in evaluation.statutes:
        if statute.error:
            lines.append(f"  {statute.id:28} error: {statute.error}")
            continue
        detail = ""
        if statute.false_met:
            detail += f"  false met: {', '.join(statute.false_met)}"
        if statute.false_missing:
            detail += f"  false missing: {', '.join(statute.false_missing)}"
        lines.append(f"  {statute.id:28} {statute.accuracy:.3f} ({statute.kind}){detail}")
    lines += ["", "per item (weakest first):"]
    ranked = sorted(evaluation.per_item, key=evaluation.item_accuracy)
    for item_id in ranked:
        counts = evaluation.per_item[item_id]
        lines.append(
            f"  {item_id:32} {evaluation.item_accuracy(item_id):.3f}"
            f"  false met {counts['fp']}, false missing {counts['fn']}"
        )
    return "\n".join(lines)
