"""Every word a user reads is marked for translation (issue 17).

A Spanish-speaking member of staff can only have the staff UI in Spanish if every string meant for people goes
through gettext. These tests read the sources the way ``makemessages`` does and name what is not marked yet:

- **Templates.** Django's own lexer (``django.template.base.Lexer``) splits each template into text, ``{{ }}``,
  ``{% %}`` and ``{# #}`` tokens. The text is put back together with every template token replaced by a
  placeholder (so an HTML tag that holds ``{% if %}`` or ``{{ }}`` still parses) and read with
  ``html.parser.HTMLParser``: text between tags and the user-visible attributes (``title``, ``alt``,
  ``placeholder``, ``aria-label``, a button's ``value`` ...) must hold no words outside ``{% translate %}`` /
  ``{% blocktranslate %}``. Words in ``{{ }}`` come from Python (marked there), ``<script>``/``<style>`` and
  comments are not read. String literals a template hands on to be shown (``{% include ... with title="..." %}``,
  ``|default:"..."``) must be ``_("...")``, and ``|pluralize`` (English plurals) gives way to
  ``{% blocktranslate count %}``.
- **Python.** Model fields' ``verbose_name``/``help_text``, choices labels, form labels, help texts and error
  messages, and the messages views show (``messages.success(request, ...)``) are ``gettext`` calls, not bare
  string literals.

``NOT_YET_MARKED`` lists the templates still to do; the test skips them, and fails when one of them is in fact
fully marked, so the set only shrinks.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
APPS = ["patients", "wellness", "referrals", "security", "maud_pathways"]


def template_files():
    """Every template of the project: the site folder and the apps' own template folders."""
    folders = [ROOT / "templates"] + [ROOT / app / "templates" for app in APPS]
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                found[path.relative_to(folder).as_posix()] = path
    return found


TEMPLATES = template_files()

#: Templates not marked yet (shrinks as they are marked; the test fails when one here is in fact marked).
NOT_YET_MARKED = set()

#: Text that is the same in every language: the product's name, standards' names and codes.
NOT_WORDS = {
    "MAUD Pathways",
    "MAUD",
    "MRN",
    "FHIR",
    "988",
}

#: Literals that are codes, not words (a language code as a default).
CODE_LITERALS = {"en", "info"}

#: Blocks whose text is code, not words (``{% block body_class %}print-page{% endblock %}``).
CODE_BLOCKS = {"body_class"}

#: Attributes people read (or hear, from a screen reader).
#: (``data-label`` leads each cell of a table stacked on a phone: site.css shows it with ``content: attr()``.)
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription",
                      "aria-valuetext", "aria-placeholder", "label", "data-label"}
#: ``value`` is shown on these inputs.
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

#: Arguments of ``{% include ... with %}`` / ``{% with %}`` that name things for the code, not for people.
NOT_USER_VISIBLE_ARGUMENTS = {"kind", "chart_id", "anchor", "id", "name", "field", "url_name", "prefix", "only"}

#: Placeholders put where template tokens stood: an expression ({{ }}, a tag's output) or marked text.
EXPRESSION = "\ue000"
MARKED = "\ue001"
NOTHING = "\ue002"

WORD = re.compile(r"[^\W\d_]", re.UNICODE)
STRING_LITERAL = re.compile(r"""(?:(\w+)=|\|(\w+):|(_)\()?("[^"]*"|'[^']*')""")
TAGS_WITH_OUTPUT = {"url", "now", "cycle", "firstof", "csrf_token", "static", "crispy", "include", "filter",
                    "widthratio", "templatetag", "querystring", "lorem", "debug"}


def has_words(text):
    """True when text still says something once placeholders, spacing and the non-words are taken out."""
    for placeholder in (EXPRESSION, MARKED, NOTHING):
        text = text.replace(placeholder, " ")
    text = " ".join(text.split())
    for non_word in sorted(NOT_WORDS, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(non_word)}(?!\w)", " ", text)
    return bool(WORD.search(text))


def literal_problems(token):
    """Strings handed on to be shown (with title="...", |default:"...") that are not _("...")."""
    contents = token.contents
    first = contents.split(None, 1)[0] if contents.split() else ""
    if token.token_type == TokenType.BLOCK and first not in {"include", "with"}:
        return []
    problems = []
    for match in STRING_LITERAL.finditer(contents):
        argument, filter_name, translated, literal = match.groups()
        words = literal[1:-1]
        if translated or not has_words(words) or words in CODE_LITERALS:
            continue
        if argument and argument not in NOT_USER_VISIBLE_ARGUMENTS:
            problems.append(f"{argument}={literal} (use {argument}=_({literal}))")
        elif filter_name in {"default", "default_if_none", "yesno"}:
            problems.append(f"|{filter_name}:{literal} (use |{filter_name}:_({literal}))")
    if token.token_type == TokenType.VAR and re.search(r"\|\s*pluralize\b", contents):
        problems.append(f"{{{{ {contents} }}}}: English plural (use {{% blocktranslate count %}})")
    return problems


def skeleton(source):
    """The template's text with each template token replaced by a placeholder (keeping line numbers), and the
    problems found in the tokens themselves (literals to be shown)."""
    parts = []
    problems = []
    in_blocktranslate = 0
    in_comment = False
    in_verbatim = False
    for token in Lexer(source).tokenize():
        raw = token_source(token)
        newlines = "\n" * raw.count("\n")
        contents = token.contents.strip()
        name = contents.split(None, 1)[0] if contents else ""
        if token.token_type == TokenType.BLOCK and (name == "endcomment" or in_comment and name == "endblock"):
            in_comment = False
            parts.append(NOTHING + newlines)
            continue
        if token.token_type == TokenType.BLOCK and name in {"endverbatim"}:
            in_verbatim = False
            parts.append(NOTHING + newlines)
            continue
        if in_comment or in_verbatim:
            parts.append(newlines)
            continue
        if token.token_type == TokenType.BLOCK and name == "comment":
            in_comment = True
            parts.append(NOTHING + newlines)
            continue
        if token.token_type == TokenType.BLOCK and name == "verbatim":
            in_verbatim = True
            parts.append(NOTHING + newlines)
            continue
        if token.token_type == TokenType.BLOCK and contents in {f"block {block}" for block in CODE_BLOCKS}:
            in_comment = True  # a block that fills in code (a CSS class), read no further until its end
            parts.append(NOTHING + newlines)
            continue
        if token.token_type == TokenType.BLOCK and name in {"blocktranslate", "blocktrans"}:
            in_blocktranslate += 1
            parts.append(MARKED + newlines)
            continue
        if token.token_type == TokenType.BLOCK and name in {"endblocktranslate", "endblocktrans"}:
            in_blocktranslate -= 1
            parts.append(MARKED + newlines)
            continue
        if in_blocktranslate:
            parts.append(MARKED + newlines)
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        problems.extend((token.lineno, problem) for problem in literal_problems(token))
        if token.token_type == TokenType.COMMENT:
            parts.append(NOTHING + newlines)
        elif token.token_type == TokenType.VAR:
            parts.append(EXPRESSION + newlines)
        elif name in {"translate", "trans"}:
            parts.append(MARKED + newlines)
        elif name in TAGS_WITH_OUTPUT or token.token_type == TokenType.BLOCK and "_(" in contents:
            parts.append(EXPRESSION + newlines)
        else:
            parts.append(NOTHING + newlines)
    return "".join(parts), problems


def token_source(token):
    """The token as it was written (the lexer keeps contents only)."""
    if token.token_type == TokenType.TEXT:
        return token.contents
    return "{{" + token.contents + "}}"  # newlines inside a tag are all that matter here


class UnmarkedText(HTMLParser):
    """Collects (line, text) for words outside translation tags, in text and in user-visible attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.raw_text_tag = None

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.raw_text_tag = tag
        attributes = dict(attrs)
        for attribute, value in attrs:
            if value is None:
                continue
            visible = attribute in VISIBLE_ATTRIBUTES or (
                attribute == "value" and (tag == "button" or (tag == "input" and
                                          (attributes.get("type") or "").lower() in BUTTON_INPUT_TYPES)))
            if visible and has_words(value):
                self.found.append((self.getpos()[0], f'<{tag} {attribute}="{clean(value)}">'))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self.raw_text_tag = None

    def handle_endtag(self, tag):
        if tag == self.raw_text_tag:
            self.raw_text_tag = None

    def handle_data(self, data):
        if self.raw_text_tag is None and has_words(data):
            first_letter = WORD.search(data).start()
            line = self.getpos()[0] + data[:first_letter].count("\n")
            self.found.append((line, clean(data)))


def clean(text):
    for placeholder, shown in ((EXPRESSION, "{{…}}"), (MARKED, "{%…%}"), (NOTHING, "")):
        text = text.replace(placeholder, shown)
    return " ".join(text.split())


def unmarked_text(source):
    """(line, what) for every piece of user-visible text in a template that is not marked for translation."""
    text, problems = skeleton(source)
    parser = UnmarkedText()
    parser.feed(text)
    parser.close()
    return sorted(problems + parser.found)


def report(name, found):
    return f"{name} has text not marked for translation:\n" + "\n".join(
        f"  templates/{name}:{line}: {what}" for line, what in found)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_text_is_marked_for_translation(name):
    found = unmarked_text(TEMPLATES[name].read_text(encoding="utf-8"))
    if name in NOT_YET_MARKED:
        assert found, f"{name} is fully marked now: take it out of NOT_YET_MARKED"
        pytest.skip(f"{name} is not marked yet ({len(found)} pieces of text)")
    assert not found, report(name, found)


def test_not_yet_marked_names_templates_that_exist():
    assert NOT_YET_MARKED <= set(TEMPLATES), sorted(NOT_YET_MARKED - set(TEMPLATES))


# The checker itself, on small templates -------------------------------------------------------------------


@pytest.mark.parametrize("source, expected", [
    ('<h1>{% translate "Plans due" %}</h1>', []),
    ("<h1>Plans due</h1>", [(1, "Plans due")]),
    ("<p>\n  {{ patient.name }} ·\n  {% url 'home' %}</p>", []),
    ("<p>{% blocktranslate trimmed with n=page.count %}{{ n }} patients{% endblocktranslate %}</p>", []),
    ("<p>{{ n }} patient{{ n|pluralize }}</p>", [(1, "{{ n|pluralize }}: English plural (use {% blocktranslate "
                                                     "count %})"), (1, "{{…}} patient{{…}}")]),
    ('<button type="submit" aria-label="Close">×</button>', [(1, '<button aria-label="Close">')]),
    ('<input type="submit" value="Save">', [(1, '<input value="Save">')]),
    ('<input type="hidden" name="step" value="next">', []),
    ('<a class="{% if x %}active" aria-current="page{% endif %}" href="#">{% translate "Home" %}</a>', []),
    ('<img alt="{% translate "Chart" %}" src="x.png">', []),
    ("<script>const words = 'not for people';</script><style>.a::after{content:'x'}</style>", []),
    ("{# a note #}{% comment %}Not shown{% endcomment %}<p>&middot; &mdash; 988</p>", []),
    ('{% include "partials/card.html" with title="Plan goals" kind="goals" %}',
     [(1, 'title="Plan goals" (use title=_("Plan goals"))')]),
    ('{% include "partials/card.html" with title=_("Plan goals") %}{{ x|default:"—" }}', []),
    ('<p>\n\n{{ when|default:"not recorded yet" }}</p>',
     [(3, '|default:"not recorded yet" (use |default:_("not recorded yet"))')]),
    ("<p>\n  {% if x %}\n    Draft in progress\n  {% endif %}</p>", [(3, "Draft in progress")]),
    ("<footer>MAUD Pathways</footer>", []),
    ("{% block body_class %}print-page{% endblock %}{% block title %}Letter{% endblock %}", [(1, "Letter")]),
])
def test_the_checker_finds_unmarked_text(source, expected):
    assert unmarked_text(source) == expected


# Python: strings shown to people are gettext calls -------------------------------------------------------

FIELD_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label", "empty_label", "error_messages"}
META_TEXTS = {"labels", "help_texts", "error_messages"}
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error", "add_message"}


def python_files():
    """The apps' modules, without migrations and settings (configuration, such as language names)."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and not path.name.startswith("settings"):
                yield path


def is_words(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and has_words(node.value)


def dict_values(node):
    """The values of a dict literal, and of the dicts nested in it (error_messages by field and code)."""
    for value in node.values if isinstance(node, ast.Dict) else []:
        yield from dict_values(value) if isinstance(value, ast.Dict) else [value]


def choice_labels(node):
    """(line, what) for the labels of a choices list written out: [("code", "Label"), ...], also inside
    ``[("", "Any")] + OTHER``."""
    found = []
    for part in ast.walk(node):
        if isinstance(part, (ast.List, ast.Tuple)) and part.elts and all(
                isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and isinstance(pair.elts[0], ast.Constant)
                for pair in part.elts):
            found.extend((pair.lineno, f"choice label {pair.elts[1].value!r}")
                         for pair in part.elts if is_words(pair.elts[1]))
    return found


def unmarked_python_strings(source):
    """(line, what) for string literals shown to people that are not passed through gettext."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            owner = function.value if isinstance(function, ast.Attribute) else None
            owner_name = getattr(owner, "id", "") if owner is not None else ""
            if owner_name == "messages" and name in MESSAGE_FUNCTIONS:
                message_arguments = node.args[2:3] if name == "add_message" else node.args[1:2]
                found.extend((arg.lineno, f"messages.{name}(request, {ast.unparse(arg)})")
                             for arg in message_arguments if is_words(arg) or isinstance(arg, ast.JoinedStr))
            for keyword in node.keywords:
                if keyword.arg in FIELD_KEYWORDS:
                    values = ([value for value in keyword.value.values] if isinstance(keyword.value, ast.Dict)
                              else [keyword.value])
                    found.extend((value.lineno, f"{keyword.arg}={value.value!r}")
                                 for value in values if is_words(value))
            if name == "ValidationError" and node.args and (is_words(node.args[0]) or
                                                            isinstance(node.args[0], ast.JoinedStr)):
                found.append((node.lineno, f"ValidationError({ast.unparse(node.args[0])})"))
            if name == "add_error" and len(node.args) == 2 and (is_words(node.args[1]) or
                                                                 isinstance(node.args[1], ast.JoinedStr)):
                found.append((node.lineno, f"add_error({ast.unparse(node.args[0])}, {ast.unparse(node.args[1])})"))
        elif isinstance(node, ast.ClassDef) and any(
                getattr(base, "attr", getattr(base, "id", "")) in {"TextChoices", "IntegerChoices", "Choices"}
                for base in node.bases):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    label = statement.value.elts[-1]
                    if is_words(label):
                        found.append((label.lineno, f"{node.name} label {label.value!r}"))
        elif isinstance(node, ast.ClassDef) and node.name == "Meta":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(getattr(target, "id", "") in META_TEXTS
                                                            for target in statement.targets):
                    found.extend((value.lineno, f"Meta {statement.targets[0].id} {value.value!r}")
                                 for value in dict_values(statement.value) if is_words(value))
        elif isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "choices" or
                                                  getattr(target, "id", "").isupper() for target in node.targets):
            found.extend(choice_labels(node.value))
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "choices":
                    found.extend(choice_labels(keyword.value))
    return sorted(found)


#: Apps whose Python strings are not marked yet (shrinks; the test fails when one here is in fact marked).
PYTHON_NOT_YET_MARKED = set()


@pytest.mark.parametrize("app", APPS)
def test_python_strings_shown_to_people_are_marked(app):
    found = []
    for path in python_files():
        if path.relative_to(ROOT).parts[0] != app:
            continue
        found.extend(f"  {path.relative_to(ROOT)}:{line}: {what}"
                     for line, what in unmarked_python_strings(path.read_text(encoding="utf-8")))
    if app in PYTHON_NOT_YET_MARKED:
        assert found, f"{app} is fully marked now: take it out of PYTHON_NOT_YET_MARKED"
        pytest.skip(f"{app} is not marked yet ({len(found)} strings)")
    assert not found, f"{app} has strings shown to people that are not marked for translation:\n" + "\n".join(found)


@pytest.mark.parametrize("source, expected", [
    ('messages.success(request, "Plan signed.")', [(1, "messages.success(request, 'Plan signed.')")]),
    ('messages.success(request, _("Plan signed."))', []),
    ('messages.info(request, f"Signed {n}.")', [(1, "messages.info(request, f'Signed {n}.')")]),
    ('forms.CharField(label="Dose", help_text=_("As prescribed."))', [(1, "label='Dose'")]),
    ('forms.CharField(error_messages={"required": "Give a dose."})', [(1, "error_messages='Give a dose.'")]),
    ('models.CharField(verbose_name=_("dose"), max_length=20)', []),
    ('class Status(models.TextChoices):\n    DRAFT = "draft", "Draft"\n    SIGNED = "signed", _("Signed")',
     [(2, "Status label 'Draft'")]),
    ('raise ValidationError("Choose a date.")', [(1, "ValidationError('Choose a date.')")]),
    ('raise ValidationError(_("Choose a date."), code="date")', []),
    ('raise ValidationError(f"Pick a date from {year} on.")', [(1, "ValidationError(f'Pick a date from {year} on.')")]),
    ('self.add_error("dose", "Give a dose.")', [(1, "add_error('dose', 'Give a dose.')")]),
    ('self.add_error("dose", _("Give a dose."))', []),
    ('FILTERS = [("welcoming", "Known to be welcoming")]', [(1, "choice label 'Known to be welcoming'")]),
    ('forms.ChoiceField(choices=[("", "Any")] + FILTERS)', [(1, "choice label 'Any'")]),
    ('forms.ChoiceField(choices=[("", _("Any"))] + FILTERS)', []),
    ('class Meta:\n    labels = {"kind": "This is a", "x": _("Y")}\n    help_texts = {"a": "Say."}',
     [(2, "Meta labels 'This is a'"), (3, "Meta help_texts 'Say.'")]),
])
def test_the_python_checker_finds_unmarked_strings(source, expected):
    assert unmarked_python_strings(source) == expected
