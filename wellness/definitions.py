"""Recovery-capital questionnaires defined as data: parse, validate and score a definition.

A definition is a JSON document (see ``wellness/questionnaires/``). It declares a response scale,
domains, items (each in one declared domain, optionally reverse-scored), and scoring rules: the
thresholds the instrument itself publishes, and an optional per-domain *gap rule*. Nothing here
touches the database, so tests (and the loader) call these functions directly.

Languages: the texts are written in the definition's ``language`` ("en" unless it says otherwise); its optional
``translations`` give, per language code, what the patient reads in that language: ``name``, ``instructions``,
``scale`` (point → label), ``domains`` (id → label) and ``items`` (id → text). A text without a translation stays
in the definition's own language. ``Definition.in_language(code)`` is the definition as the patient reads it.

Scoring: each answer is a point on the scale; a reverse-scored item counts as ``min + max - answer``.
The total is the sum over all items; a domain's score is the sum over its items, and its mean is
that sum divided by its number of items.
"""

import json
import re
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils.translation import gettext

from patients.request_input import JSONInputError, read_json

FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TOTAL = "total"


class GapRuleKind:
    DOMAIN_MEAN_BELOW = "domain_mean_below"  # mean answer in the domain (after reversing) below a value
    DOMAIN_SCORE_BELOW = "domain_score_below"  # sum of the domain's item scores below a value
    ALL = (DOMAIN_MEAN_BELOW, DOMAIN_SCORE_BELOW)


class ThresholdDirection:
    AT_OR_ABOVE = "at_or_above"
    AT_OR_BELOW = "at_or_below"
    ALL = (AT_OR_ABOVE, AT_OR_BELOW)


class DefinitionError(ValueError):
    """A malformed definition. ``problems`` lists every problem found, each naming what is wrong."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict

    @property
    def points(self):
        return list(range(self.min, self.max + 1))

    def choices(self):
        return [(p, self.labels[p]) for p in self.points]


@dataclass(frozen=True)
class Domain:
    id: str
    label: str
    description: str = ""
    wellness_dimension: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Threshold:
    applies_to: str
    value: float
    direction: str
    label: str

    def is_met(self, score):
        if self.direction == ThresholdDirection.AT_OR_ABOVE:
            return score >= self.value
        return score <= self.value

    @property
    def direction_words(self):
        """The direction in words, in the active language, to go before the value ("at or above 47")."""
        return gettext("at or above") if self.direction == ThresholdDirection.AT_OR_ABOVE else gettext("at or below")


@dataclass(frozen=True)
class GapRule:
    kind: str
    value: float
    explanation: str

    def is_gap(self, domain_score):
        measured = domain_score.mean if self.kind == GapRuleKind.DOMAIN_MEAN_BELOW else domain_score.score
        return measured < self.value


@dataclass(frozen=True)
class DomainScore:
    domain: Domain
    score: int
    min: int
    max: int
    items: int
    is_gap: bool = False

    @property
    def mean(self):
        return self.score / self.items


@dataclass(frozen=True)
class Result:
    total: int
    domain_scores: list
    gap_domains: list = field(default_factory=list)


@dataclass(frozen=True)
class Definition:
    slug: str
    name: str
    version_label: str
    description: str
    instructions: str
    source_note: str
    licence_note: str
    scale: Scale
    domains: tuple
    items: tuple
    thresholds: tuple
    gap_rule: GapRule | None
    raw: dict
    language: str = "en"
    translations: dict = field(default_factory=dict)

    def has_language(self, code):
        """Whether a patient reading ``code`` can be given this questionnaire in it (its items all translated)."""
        if code == self.language:
            return True
        texts = self.translations.get(code, {})
        return all(item.id in texts.get("items", {}) for item in self.items)

    def in_language(self, code):
        """This definition as a patient reading ``code`` sees it: the translated texts where the definition has
        them, its own elsewhere. Scoring is the same (ids, scale points and reverse items do not change)."""
        texts = self.translations.get(code)
        if code == self.language or not texts:
            return self
        labels = {point: texts.get("scale", {}).get(str(point)) or label for point, label in self.scale.labels.items()}
        return replace(
            self, language=code,
            name=texts.get("name") or self.name,
            instructions=texts.get("instructions") or self.instructions,
            scale=Scale(self.scale.min, self.scale.max, labels),
            domains=tuple(replace(d, label=texts.get("domains", {}).get(d.id) or d.label) for d in self.domains),
            items=tuple(replace(i, text=texts.get("items", {}).get(i.id) or i.text) for i in self.items),
        )

    @property
    def domain_map(self):
        return {d.id: d for d in self.domains}

    def items_in(self, domain_id):
        return [i for i in self.items if i.domain == domain_id]

    @property
    def total_range(self):
        return len(self.items) * self.scale.min, len(self.items) * self.scale.max

    def domain_range(self, domain_id):
        n = len(self.items_in(domain_id))
        return n * self.scale.min, n * self.scale.max

    def range_of(self, applies_to):
        return self.total_range if applies_to == TOTAL else self.domain_range(applies_to)

    def item_score(self, item, answer):
        return self.scale.min + self.scale.max - answer if item.reverse else answer

    def score(self, answers):
        """Score complete answers ``{item_id: int}``; raises ValueError for missing or off-scale answers."""
        problems = []
        for item in self.items:
            value = answers.get(item.id)
            if value is None:
                problems.append(f"item “{item.id}” has no answer")
            elif not isinstance(value, int) or isinstance(value, bool) or not (
                self.scale.min <= value <= self.scale.max
            ):
                problems.append(f"item “{item.id}” answer {value!r} is outside the scale "
                                f"{self.scale.min}-{self.scale.max}")
        extra = set(answers) - {i.id for i in self.items}
        if extra:
            problems.append("answers for unknown items: " + ", ".join(sorted(extra)))
        if problems:
            raise ValueError("; ".join(problems))
        domain_scores = []
        for domain in self.domains:
            items = self.items_in(domain.id)
            low, high = self.domain_range(domain.id)
            ds = DomainScore(domain, sum(self.item_score(i, answers[i.id]) for i in items), low, high, len(items))
            if self.gap_rule and self.gap_rule.is_gap(ds):
                ds = DomainScore(ds.domain, ds.score, ds.min, ds.max, ds.items, is_gap=True)
            domain_scores.append(ds)
        total = sum(ds.score for ds in domain_scores)
        return Result(total, domain_scores, [ds.domain.id for ds in domain_scores if ds.is_gap])

    def thresholds_for(self, applies_to):
        return [t for t in self.thresholds if t.applies_to == applies_to]

    def to_json(self):
        return json.dumps(self.raw, indent=2, ensure_ascii=False) + "\n"


# Parsing and validation ---------------------------------------------------------------------------

def _text(data, key, problems, where, required=True, max_length=2000):
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(f"{where}: “{key}” must be text.")
        return ""
    value = value.strip()
    if required and not value:
        problems.append(f"{where}: “{key}” is missing.")
    if len(value) > max_length:
        problems.append(f"{where}: “{key}” is longer than {max_length} characters.")
    return value


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_definition(source):
    """Parse and validate a definition (JSON text, bytes or an already-decoded dict).

    Returns a :class:`Definition`; raises :class:`DefinitionError` listing every problem found. Each section is
    read by its own function below, which adds what is wrong with it to ``problems`` and returns what it could
    read, so that one malformed section never hides the problems of the others.
    """
    data = _decode(source)
    problems = []
    header = _header(data, problems)
    scale = _scale(data.get("scale"), problems)
    domains = _domains(data.get("domains"), problems)
    items = _items(data.get("items"), domains, problems)
    scoring = _scoring(data.get("scoring", {}), problems)
    thresholds = _thresholds(scoring.get("thresholds", []), scale, domains, items, problems)
    gap_rule = _gap_rule(scoring.get("gap_rule"), scale, domains, items, problems)
    language = _text(data, "language", problems, "Definition", required=False, max_length=12) or "en"
    translations = _translations(data.get("translations"), language, scale, domains, items, problems)
    if problems:
        raise DefinitionError(problems)
    return Definition(**header, scale=scale, domains=tuple(domains), items=tuple(items),
                      thresholds=tuple(thresholds), gap_rule=gap_rule, raw=data, language=language,
                      translations=translations)


def _decode(source):
    """The definition as a dict, from JSON text, bytes or a dict; anything else is refused at once."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            raise DefinitionError(["The file is not UTF-8 text."]) from None
    if isinstance(source, str):
        try:
            data = read_json(source)
        except json.JSONDecodeError as exc:
            raise DefinitionError([f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."]) from None
        except JSONInputError as exc:
            raise DefinitionError([str(exc)]) from None
    else:
        data = source
    if not isinstance(data, dict):
        raise DefinitionError(["The definition must be a JSON object ({ ... })."])
    return data


def _header(data, problems):
    """The format version, and the texts that name and describe the instrument."""
    if data.get("format") != FORMAT_VERSION:
        problems.append(f"“format” must be {FORMAT_VERSION} (this is the definition format version).")
    slug = _text(data, "slug", problems, "Definition", max_length=80)
    if slug and not SLUG_RE.match(slug):
        problems.append(f"Definition: slug “{slug}” may use only lower-case letters, digits and hyphens.")
    return {
        "slug": slug,
        "name": _text(data, "name", problems, "Definition", max_length=200),
        "version_label": _text(data, "version", problems, "Definition", required=False, max_length=40),
        "description": _text(data, "description", problems, "Definition", required=False),
        "instructions": _text(data, "instructions", problems, "Definition", required=False),
        "source_note": _text(data, "source_note", problems, "Definition", required=False),
        "licence_note": _text(data, "licence_note", problems, "Definition", required=False),
    }


def _scale(raw_scale, problems):
    """The response scale: whole-number points from min to max, each with a label; None when unusable."""
    if not isinstance(raw_scale, dict):
        problems.append("“scale” is missing: give its min, max and a label for every point.")
        return None
    low, high = raw_scale.get("min"), raw_scale.get("max")
    if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool) or isinstance(high, bool):
        problems.append("Scale: “min” and “max” must be whole numbers.")
        return None
    if low >= high:
        problems.append(f"Scale: “min” ({low}) must be smaller than “max” ({high}).")
        return None
    if high - low > 10:
        problems.append("Scale: at most 11 points are supported.")
        return None
    raw_labels = raw_scale.get("labels")
    if not isinstance(raw_labels, dict):
        problems.append("Scale: “labels” must map every point (as text, e.g. \"1\") to its words.")
        return None
    labels = {}
    for point in range(low, high + 1):
        label = raw_labels.get(str(point))
        if not isinstance(label, str) or not label.strip():
            problems.append(f"Scale: point {point} has no label.")
        else:
            labels[point] = label.strip()
    unknown = sorted(set(raw_labels) - {str(p) for p in range(low, high + 1)})
    if unknown:
        problems.append(f"Scale: labels for points outside {low}-{high}: {', '.join(unknown)}.")
    return Scale(low, high, labels) if len(labels) == high - low + 1 else None


def _entries_with_ids(raw_list, noun, shape, problems, duplicate_hint="", reserved=None):
    """(entry, id, where) for each well-formed entry of a list of objects that each have a unique ``id``
    (domains, items); the others are reported as problems and left out. The ``reserved`` id is reported
    but kept."""
    plural = f"{noun.lower()}s"
    if not isinstance(raw_list, list) or not raw_list:
        problems.append(f"“{plural}” must be a non-empty list.")
        return
    seen = set()
    for n, raw in enumerate(raw_list, start=1):
        if not isinstance(raw, dict):
            problems.append(f"{noun} {n} must be an object with {shape}.")
            continue
        entry_id = raw.get("id")
        where = f"{noun} “{entry_id}”" if isinstance(entry_id, str) else f"{noun} {n}"
        if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
            problems.append(f"{where}: “id” must be 1-40 letters, digits, hyphens or underscores.")
            continue
        if entry_id == reserved:
            problems.append(f"{where}: “{reserved}” is reserved; choose another id.")
        if entry_id in seen:
            problems.append(f"Duplicate {noun.lower()} id “{entry_id}”{duplicate_hint}.")
            continue
        seen.add(entry_id)
        yield raw, entry_id, where


def _domains(raw_domains, problems):
    """The domains the items are grouped in, each with a unique id (never "total")."""
    domains = []
    for raw, domain_id, where in _entries_with_ids(raw_domains, "Domain", "an id and a label", problems,
                                                   reserved=TOTAL):
        domains.append(Domain(
            domain_id, _text(raw, "label", problems, where, max_length=80),
            _text(raw, "description", problems, where, required=False),
            _text(raw, "wellness_dimension", problems, where, required=False, max_length=40),
        ))
    return domains


def _items(raw_items, domains, problems):
    """The questions, each with a unique id, in one declared domain, optionally reverse-scored; at most 100,
    and every domain has at least one."""
    domain_ids = [d.id for d in domains]
    items = []
    for raw, item_id, where in _entries_with_ids(raw_items, "Item", "an id, a domain and a text", problems,
                                                 duplicate_hint=": every item needs its own id"):
        domain = raw.get("domain")
        if domain not in domain_ids:
            declared = ", ".join(domain_ids) or "none"
            problems.append(f"{where}: unknown domain “{domain}” (declared domains: {declared}).")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            problems.append(f"{where}: “reverse” must be true or false.")
            reverse = False
        items.append(Item(item_id, domain, _text(raw, "text", problems, where, max_length=500), reverse))
    if len(items) > 100:
        problems.append("At most 100 items are supported.")
    for d in domains:
        if items and not any(i.domain == d.id for i in items):
            problems.append(f"Domain “{d.id}” has no items.")
    return items


def _scoring(scoring, problems):
    """The scoring section (an object; only the "sum" method is supported)."""
    if not isinstance(scoring, dict):
        problems.append("“scoring” must be an object.")
        return {}
    method = scoring.get("method", "sum")
    if method != "sum":
        problems.append(f"Scoring: unknown method “{method}” (only “sum” is supported).")
    return scoring


def _score_range(scale, items, applies_to):
    """The lowest and highest possible score of the total or of one domain; None without a usable scale."""
    if scale is None:
        return None
    count = len(items) if applies_to == TOTAL else sum(1 for i in items if i.domain == applies_to)
    return count * scale.min, count * scale.max


def _thresholds(raw_thresholds, scale, domains, items, problems):
    """The thresholds the instrument publishes, for the total or a domain, each within its possible range."""
    if not isinstance(raw_thresholds, list):
        problems.append("Scoring: “thresholds” must be a list.")
        return []
    domain_ids = [d.id for d in domains]
    thresholds = []
    for n, raw in enumerate(raw_thresholds, start=1):
        where = f"Threshold {n}"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be an object.")
            continue
        applies_to = raw.get("applies_to", TOTAL)
        value = raw.get("value")
        direction = raw.get("direction", ThresholdDirection.AT_OR_ABOVE)
        label = _text(raw, "label", problems, where, max_length=300)
        if applies_to != TOTAL and applies_to not in domain_ids:
            problems.append(f"{where}: applies to unknown domain “{applies_to}” "
                            f"(use “total” or one of: {', '.join(domain_ids)}).")
            continue
        if direction not in ThresholdDirection.ALL:
            problems.append(f"{where}: “direction” must be one of {', '.join(ThresholdDirection.ALL)}.")
        if not _number(value):
            problems.append(f"{where}: “value” must be a number.")
            continue
        bounds = _score_range(scale, items, applies_to)
        if bounds and not bounds[0] <= value <= bounds[1]:
            problems.append(f"{where}: value {_fmt(value)} is outside the possible {applies_to} score range "
                            f"{bounds[0]}-{bounds[1]}.")
        thresholds.append(Threshold(applies_to, value, direction, label))
    return thresholds


def _gap_rule(raw_rule, scale, domains, items, problems):
    """The optional rule that makes a domain a gap, with a value the scale (or every domain's range) allows."""
    if raw_rule is None:
        return None
    if not isinstance(raw_rule, dict):
        problems.append("Gap rule must be an object with a kind, a value and an explanation.")
        return None
    kind, value = raw_rule.get("kind"), raw_rule.get("value")
    explanation = _text(raw_rule, "explanation", problems, "Gap rule")
    if kind not in GapRuleKind.ALL:
        problems.append(f"Gap rule: unknown kind “{kind}” (use one of {', '.join(GapRuleKind.ALL)}).")
        return None
    if not _number(value):
        problems.append("Gap rule: “value” must be a number.")
        return None
    if scale is None:
        return None
    if kind == GapRuleKind.DOMAIN_MEAN_BELOW and not scale.min < value <= scale.max:
        problems.append(f"Gap rule: value {_fmt(value)} is outside the scale {scale.min}-{scale.max}.")
    if kind == GapRuleKind.DOMAIN_SCORE_BELOW:
        for d in domains:
            low, high = _score_range(scale, items, d.id)
            if not low < value <= high:
                problems.append(f"Gap rule: value {_fmt(value)} is outside the possible score range "
                                f"{low}-{high} of domain “{d.id}”.")
    return GapRule(kind, value, explanation)


TRANSLATED_TEXTS = ("name", "instructions")


def _translations(raw, language, scale, domains, items, problems):
    """The optional texts in other languages: per language code of the site, its name, instructions, scale labels,
    domain labels and item texts, each for a point or an id the definition declares."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append("“translations” must map a language code (e.g. \"es\") to the texts in that language.")
        return {}
    known = {code for code, _name in settings.LANGUAGES}
    translations = {}
    for code, texts in raw.items():
        where = f"Translations “{code}”"
        if code not in known or code == language:
            problems.append(f"{where}: not a language of the site to translate into ({', '.join(sorted(known))}).")
            continue
        if not isinstance(texts, dict):
            problems.append(f"{where}: must be an object (name, instructions, scale, domains, items).")
            continue
        unknown = sorted(set(texts) - {*TRANSLATED_TEXTS, "scale", "domains", "items"})
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(unknown)}.")
        clean = {key: _text(texts, key, problems, where, required=False) for key in TRANSLATED_TEXTS}
        allowed = {
            "scale": {str(p) for p in scale.points} if scale else set(),
            "domains": {d.id for d in domains},
            "items": {i.id for i in items},
        }
        for key, ids in allowed.items():
            mapping = texts.get(key, {})
            if not isinstance(mapping, dict):
                problems.append(f"{where}: “{key}” must map ids to texts.")
                continue
            for entry_id, text in mapping.items():
                if entry_id not in ids:
                    problems.append(f"{where}: {key} has “{entry_id}”, which the definition does not declare.")
                elif not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}: {key} “{entry_id}” must be a text.")
            clean[key] = {k: v.strip() for k, v in mapping.items() if k in ids and isinstance(v, str) and v.strip()}
        translations[code] = clean
    return translations
