"""A Canvas quiz package: QTI 1.2 items in a zip with its `imsmanifest.xml`.

Canvas's numerical question holds one answer, so each asked value is an item of its own,
its variant's statement above it. The items of one asked value, one per variant, form a
question group (`selection_number` 1): every student gets one variant of each value. A
tolerance is Canvas's range answer (`vargte`/`varlte` around the value, beside the exact
`varequal`), computed per variant like Moodle's. Choice parts are multiple choice (one
answer), multiple answers (select all) or short answer (a label, with its other spellings).
"""

from __future__ import annotations

import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile

from nnsolve.export import html as H
from nnsolve.export.questions import Blank, Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
QUESTION_TYPES = {"number": "numerical_question", "choice": "multiple_choice_question",
                  "select": "multiple_answers_question", "text": "short_answer_question"}


def qti_zip(questions: list[Question], title: str) -> bytes:
    """The package Canvas's "QTI .zip file" import takes."""
    quiz = _ident("quiz", title)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest(quiz, title))
        archive.writestr(f"{quiz}/{quiz}.xml", assessment(questions, quiz, title))
    return buffer.getvalue()


def manifest(quiz: str, title: str) -> str:
    root = ET.Element("manifest", identifier=_ident("manifest", title), xmlns=MANIFEST_NS)
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", identifier=quiz, type="imsqti_xmlv1p2")
    ET.SubElement(resource, "file", href=f"{quiz}/{quiz}.xml")
    return _document(root)


def assessment(questions: list[Question], quiz: str, title: str) -> str:
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    test = ET.SubElement(root, "assessment", ident=quiz, title=title)
    _metadata(test, {"cc_maxattempts": "1"})
    top = ET.SubElement(test, "section", ident="root_section")
    groups: dict[tuple, ET.Element] = {}
    for question in questions:
        for position, blank in enumerate(question.blanks):
            key = (question.problem.id, position)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _group(top, question, blank, position)
            _item(group, question, blank, position)
    ET.indent(root)
    return _document(root)


def _group(top: ET.Element, question: Question, blank: Blank, position: int) -> ET.Element:
    name = f"{question.problem.id} ({blank.part}) {blank.name}"
    group = ET.SubElement(top, "section", ident=_ident("group", f"{name}#{position}"),
                          title=name)
    selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
    ET.SubElement(selection, "selection_number").text = "1"
    extension = ET.SubElement(selection, "selection_extension")
    ET.SubElement(extension, "points_per_item").text = _number(blank.points)
    return group


def _item(group: ET.Element, question: Question, blank: Blank, position: int) -> None:
    title = f"{question.title}: ({blank.part}) {blank.name}"
    item = ET.SubElement(group, "item", ident=_ident("item", title), title=title)
    _metadata(item, {"question_type": QUESTION_TYPES[blank.kind],
                     "points_possible": _number(blank.points)})
    presentation = ET.SubElement(item, "presentation")
    text = "\n".join(t for t in (H.statement(question), H.part_intro(question, blank.part),
                                 f"<p>{H.label(blank)}</p>") if t)
    _material(presentation, text, "text/html")
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar", maxvalue="100",
                  minvalue="0", varname="SCORE", vartype="Decimal")
    condition = ET.SubElement(processing, "respcondition", attrib={"continue": "No"})
    match = ET.SubElement(condition, "conditionvar")
    if blank.kind in ("choice", "select"):
        _choices(presentation, blank)
        right = blank.answer if blank.kind == "select" else (blank.answer,)
        if blank.kind == "select":
            match = ET.SubElement(match, "and")
        for option in blank.options:
            if option in right:
                ET.SubElement(match, "varequal", respident="response1").text = option
            elif blank.kind == "select":
                ET.SubElement(ET.SubElement(match, "not"), "varequal",
                              respident="response1").text = option
    else:
        fib = ET.SubElement(ET.SubElement(presentation, "response_str", ident="response1",
                                          rcardinality="Single"), "render_fib",
                            fibtype="Decimal" if blank.kind == "number" else "String")
        ET.SubElement(fib, "response_label", ident="answer1")
        _fill_in(match, blank)
    ET.SubElement(condition, "setvar", action="Set", varname="SCORE").text = "100"
    feedback = ET.SubElement(item, "itemfeedback", ident="general_fb")
    _material(ET.SubElement(feedback, "flow_mat"), H.worked_solution(question), "text/html")
    ET.SubElement(condition, "displayfeedback", feedbacktype="Response",
                  linkrefid="general_fb")


def _fill_in(match: ET.Element, blank: Blank) -> None:
    if blank.kind == "text":
        either = ET.SubElement(match, "or")
        for spelling in dict.fromkeys((blank.answer, *blank.accept)):
            ET.SubElement(either, "varequal", respident="response1").text = spelling
        return
    if not blank.tolerance:
        ET.SubElement(match, "varequal", respident="response1").text = blank.answer
        return
    either = ET.SubElement(match, "or")
    ET.SubElement(either, "varequal", respident="response1").text = blank.answer
    both = ET.SubElement(either, "and")
    value = float(blank.answer)
    ET.SubElement(both, "vargte", respident="response1").text = _number(value - blank.tolerance)
    ET.SubElement(both, "varlte", respident="response1").text = _number(value + blank.tolerance)


def _choices(presentation: ET.Element, blank: Blank) -> None:
    cardinality = "Multiple" if blank.kind == "select" else "Single"
    render = ET.SubElement(ET.SubElement(presentation, "response_lid", ident="response1",
                                         rcardinality=cardinality), "render_choice")
    for option in blank.options:
        label = ET.SubElement(render, "response_label", ident=option)
        _material(label, H.option_text(blank, option), "text/plain")


def _material(parent: ET.Element, text: str, texttype: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", texttype=texttype).text = text


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    if parent.tag == "item":
        parent = ET.SubElement(parent, "itemmetadata")
    metadata = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(metadata, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _ident(prefix: str, text: str) -> str:
    """A stable identifier: the same export gives the same ids, so a re-import updates."""
    return prefix + "_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _number(value) -> str:
    return f"{float(value):.12g}"


def _document(root: ET.Element) -> str:
    return H.xml_document(ET.tostring(root, "unicode"))
