"""JUnit XML: one test case per item; a failure for missing and partial, skipped when waived."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ptcheck.formatters import RenderOptions
from ptcheck.results import DocumentResult

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters dropped; escaping is ElementTree's)."""
    return _XML_UNSAFE.sub(" ", text)


def render(results: Sequence[DocumentResult], options: RenderOptions) -> str:
    """<testsuites> with a <testsuite> per document."""
    suites = ET.Element("testsuites", name="ptcheck")
    for result in results:
        failures = sum(item.status in ("missing", "partial") for item in result.items)
        skipped = sum(item.status == "waived" for item in result.items)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=clean(result.document.path),
            tests=str(len(result.items)),
            failures=str(failures),
            skipped=str(skipped),
            errors="0",
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (("score", f"{result.score:.1f}"), ("verdict", result.verdict)):
            ET.SubElement(properties, "property", name=name, value=value)
        for item in result.items:
            case = ET.SubElement(suite, "testcase", classname=item.category, name=clean(item.id))
            if item.status in ("missing", "partial"):
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=clean(f"{item.title}: {item.status}"),
                    type=item.severity,
                )
                failure.text = clean(f"{item.message}\nTo close it: {item.guidance}")
            elif item.status == "waived":
                ET.SubElement(case, "skipped", message=clean(item.message))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
