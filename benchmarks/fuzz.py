"""Fuzz ptcheck with mutated statutes and checklists (a script, not part of the test run).

    python benchmarks/fuzz.py [--documents 10000] [--checklists 2000] [--seed 1]

Documents are mutations of the sample laws (and of a PDF and a .docx made from one),
read and analysed; checklists are mutations of each bundled checklist, validated (and
every 20th valid one used for an analysis). A crash is any exception other than the
one-line user errors (InputError, ChecklistError), or a result that breaks the contract
(an item missing or twice, a score outside 0-100, a met item without evidence).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = [
    b"\n(a) ",
    b"\n(1) ",
    b"\nSection 9. ",
    b"\n\xc2\xa7 12. ",
    b"\nArticle 4 bis\n",
    b"\n1. ",
    b"\n(iv) ",
]
NOISE = [
    "“",
    "”",
    "—",
    "\u200b",
    "\ufeff",
    "\x00",
    "\x07",
    "é",
    "ß",
    "漢",
    "🙂",
    "\r",
    "\t",
    "<script>",
    "]]>",
    "|",
    "`",
]


def mutate(data: bytes, rnd: random.Random) -> bytes:
    """One to four random edits of the bytes."""
    out = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        choice = rnd.randrange(9)
        at = rnd.randrange(len(out) + 1) if out else 0
        if choice == 0 and out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
        elif choice == 1 and out:
            del out[at : at + rnd.randint(1, 200)]
        elif choice == 2 and out:
            out[at:at] = out[at : at + rnd.randint(1, 400)]
        elif choice == 3:
            out[at:at] = rnd.choice(LABELS)
        elif choice == 4:
            out[at:at] = rnd.choice(NOISE).encode("utf-8")
        elif choice == 5:
            out = out[: rnd.randrange(len(out) + 1)]
        elif choice == 6:
            out = bytearray(out.replace(b"\n", b" ", rnd.randint(1, 50)))
        elif choice == 7:
            out = bytearray(
                bytes(out)
                .decode("utf-8", "replace")
                .encode(rnd.choice(["utf-16", "utf-16-le", "cp1252"]), "replace")
            )
        else:
            out = out * rnd.randint(2, 5)
    return bytes(out)


def check_result(result: object, item_ids: list[str]) -> str:
    """'' when the result keeps the contract, else what is wrong."""
    data = result.as_dict()  # type: ignore[attr-defined]
    if [i["id"] for i in data["items"]] != item_ids:
        return "items missing, repeated or out of order"
    if not 0.0 <= data["score"] <= 100.0:
        return f"score {data['score']}"
    if any(i["status"] == "met" and not i["evidence"] for i in data["items"]):
        return "met without evidence"
    json.dumps(data)
    return ""


def seeds() -> list[tuple[str, bytes]]:
    """The sample laws, plus a PDF and a .docx made from the model law."""
    found = [(p.name, p.read_bytes()) for p in sorted((ROOT / "sample_laws").glob("*.txt"))]
    text = (ROOT / "sample_laws" / "model_complete.txt").read_text(encoding="utf-8")
    try:
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=9)
        for line in text.splitlines()[:60]:
            pdf.multi_cell(0, 5, line.encode("latin-1", "replace").decode("latin-1") or " ")
            pdf.set_x(pdf.l_margin)
        found.append(("model.pdf", bytes(pdf.output())))
    except ImportError:
        pass
    try:
        import docx

        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        found.append(("model.docx", buffer.getvalue()))
    except ImportError:
        pass
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--checklists", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import bundled_checklists, load_checklist, parse_checklist
    from ptcheck.documents import read_document
    from ptcheck.errors import PtcheckError

    rnd = random.Random(args.seed)
    analyzer = Analyzer(load_checklist())
    item_ids = [item.id for item in analyzer.checklist.items]
    crashes: list[str] = []
    started = time.perf_counter()
    corpus = seeds()
    rejected = 0
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.documents):
            name, data = rnd.choice(corpus)
            suffix = rnd.choice(
                [Path(name).suffix] * 4 + [".txt", ".md", ".html", ".pdf", ".docx", ""]
            )
            path = Path(folder) / f"doc{number}{suffix}"
            path.write_bytes(mutate(data, rnd))
            try:
                problem = check_result(analyzer.analyze(read_document(path)), item_ids)
                if problem:
                    crashes.append(f"document {number} ({name} as {suffix}): {problem}")
            except PtcheckError as error:
                rejected += 1
                if "\n" in error.message:
                    crashes.append(f"document {number}: error message spans lines")
            except Exception:
                crashes.append(
                    f"document {number} ({name} as {suffix}): {traceback.format_exc(limit=3)}"
                )
            path.unlink()
    bundled = sorted(bundled_checklists().values())  # every bundled checklist, in turn
    sample = (ROOT / "sample_laws" / "model_complete.txt").read_text(encoding="utf-8")
    valid = 0
    for number in range(args.checklists):
        original = bundled[number % len(bundled)]
        text = mutate(original.read_bytes(), rnd).decode("utf-8", "replace")
        try:
            checklist = parse_checklist(text, f"checklist{number}.yaml", original.parent)
            valid += 1
            if valid % 20 == 0:
                from ptcheck.checklist import LoadedChecklist

                mutated = Analyzer(LoadedChecklist(checklist, Path(f"checklist{number}.yaml"), ""))
                problem = check_result(
                    mutated.analyze_text(sample), [i.id for i in checklist.items]
                )
                if problem:
                    crashes.append(f"checklist {number}: {problem}")
        except PtcheckError:
            pass
        except Exception:
            crashes.append(f"checklist {number}: {traceback.format_exc(limit=3)}")
    report = {
        "documents": args.documents,
        "documents_rejected_with_a_clear_error": rejected,
        "checklists": args.checklists,
        "checklists_valid": valid,
        "crashes": len(crashes),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))
    for crash in crashes[:20]:
        print(crash, file=sys.stderr)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
