"""Read and check assessment framework files.

A framework file is YAML. :func:`parse_framework` turns its text into a normalised plain ``dict``
or raises :class:`FrameworkError` listing every problem found, each with the place in the file it
concerns. Checking happens in three passes:

1. reading: size, UTF-8, YAML syntax, one document, a mapping at the top, no anchors or aliases,
   no repeated keys, no dates, binary data or custom tags, no control characters;
2. the JSON Schema in ``schema/framework.schema.json``: keys, types, lengths and id patterns;
3. rules a schema cannot express: every id in the framework is different from every other (theme,
   item, benefit and barrier ids share one namespace, ignoring capital letters), a label for each
   scale point and none outside, positive and negative answers on the scale and not overlapping.

This module is plain Python with no Django imports, so it can be used by command-line tools and
tested on its own. Whatever it is given, :func:`parse_framework` raises nothing but
:class:`FrameworkError`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

__all__ = [
    "MAX_BYTES",
    "MAX_PROBLEMS",
    "MAX_TOTAL_ITEMS",
    "SCHEMA_PATH",
    "FrameworkError",
    "Problem",
    "canonical_json",
    "content_hash",
    "load_framework_file",
    "parse_framework",
]

#: The largest framework file accepted, in bytes (1 MB).
MAX_BYTES = 1024 * 1024
#: How deeply mappings and lists may be nested inside one another.
MAX_DEPTH = 20
#: How many YAML values (mappings, lists and single values) one file may hold.
MAX_NODES = 20_000
#: How many items a framework may have across all its themes.
MAX_TOTAL_ITEMS = 200
#: How many problems are listed before the rest are summed up in one final problem.
MAX_PROBLEMS = 100
#: Where the JSON Schema for framework files lives.
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "framework.schema.json"

ROOT = "(document)"

_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework file.

    ``path`` points into the document, such as ``themes[2].items[0].id``, or is ``(document)``
    for the file as a whole. ``line`` is the line in the file it concerns, where known; it is
    extra detail and takes no part in comparing problems.
    """

    source: str
    path: str
    message: str
    line: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: {self.message}"


class FrameworkError(Exception):
    """A framework file could not be loaded. ``problems`` lists everything found wrong."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems were found:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._summary()


# ---------------------------------------------------------------------------------------------
# Public API


def parse_framework(text: str | bytes, *, source: str) -> dict[str, Any]:
    """Check a framework file's content and return it as a normalised plain ``dict``.

    Raises :class:`FrameworkError` listing every problem found, and never any other exception.
    In the result, scale label keys are integers, text has surrounding white space removed and
    is in Unicode normal form C, and optional keys are filled in: ``plain_statement`` is
    ``None`` and ``reverse_keyed`` is ``False`` when not given, and ``benefits`` and
    ``barriers`` are lists, empty when not given. Keys starting with ``x-`` are kept as written.
    """
    if not isinstance(source, str):
        source = str(source)
    try:
        return _parse(text, source)
    except FrameworkError:
        raise
    except Exception as exc:  # a safety net: callers rely on only ever seeing FrameworkError
        raise FrameworkError(
            [
                Problem(
                    source,
                    ROOT,
                    f"the file could not be checked because of an internal error "
                    f"({type(exc).__name__}); please report this",
                )
            ]
        ) from exc


def load_framework_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a framework file and return it normalised, as :func:`parse_framework` does.

    The file's name is used as the source in problems. A missing or unreadable file raises
    :class:`FrameworkError` too.
    """
    try:
        file_path = Path(path)
    except TypeError:
        raise FrameworkError([Problem(str(path), ROOT, "this is not a file path")]) from None
    source = file_path.name or str(file_path)

    def fail(message: str) -> FrameworkError:
        return FrameworkError([Problem(source, ROOT, message)])

    try:
        with file_path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail(f"there is no file at {str(file_path)!r}") from None
    except IsADirectoryError:
        raise fail(f"{str(file_path)!r} is a folder, not a file") from None
    except PermissionError:
        raise fail(f"the file {str(file_path)!r} cannot be opened: permission denied") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise fail(f"the file {str(file_path)!r} cannot be read: {reason}") from None
    if len(data) > MAX_BYTES:
        raise fail(_too_large_message())
    return parse_framework(data, source=source)


def canonical_json(doc: dict[str, Any]) -> str:
    """Serialise a normalised framework the same way every time.

    Keys are sorted, there is no optional white space, and mapping keys are written as text, so
    a document whose label keys have become strings (after a trip through JSON, say) gives the
    same result as the original.
    """
    return json.dumps(
        _jsonable(doc),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def content_hash(doc: dict[str, Any]) -> str:
    """The SHA-256 of :func:`canonical_json`, in hex: equal hashes mean equal content."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# Collecting problems


class _Problems:
    """Problems found so far, with the line of each path and the paths already reported."""

    def __init__(self) -> None:
        self.found: list[tuple[_Path, str, int | None]] = []
        self.lines: dict[_Path, int] = {}
        self.reported: set[_Path] = set()
        self.unreadable: set[_Path] = set()
        self._seen: set[tuple[_Path, str]] = set()

    def add(self, path: _Path, message: str, line: int | None = None) -> None:
        if (path, message) in self._seen:
            return
        self._seen.add((path, message))
        self.reported.add(path)
        self.found.append((path, message, line))

    def usable(self, path: _Path) -> bool:
        """True when nothing is reported at this path and no value above it was unreadable."""
        if path in self.reported:
            return False
        return not any(path[:length] in self.unreadable for length in range(len(path)))

    def line_of(self, path: _Path) -> int | None:
        for length in range(len(path), -1, -1):
            line = self.lines.get(path[:length])
            if line is not None:
                return line
        return None

    def error(self, source: str) -> FrameworkError:
        numbered = []
        for order, (path, message, line) in enumerate(self.found):
            where = line if line is not None else self.line_of(path)
            numbered.append(
                (where or 0, order, Problem(source, _format_path(path), message, where))
            )
        numbered.sort(key=lambda entry: (entry[0], entry[1]))
        listed = [problem for _, _, problem in numbered]
        if len(listed) > MAX_PROBLEMS:
            hidden = len(listed) - MAX_PROBLEMS
            listed = listed[:MAX_PROBLEMS]
            listed.append(
                Problem(
                    source,
                    ROOT,
                    f"{hidden:,} more problems were found but are not listed; "
                    "put right the ones above and load the file again",
                )
            )
        return FrameworkError(listed)


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _format_path(path: _Path) -> str:
    if not path:
        return ROOT
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(f"[{_quote(part)}]")
    return "".join(parts)


def _quote(text: str, limit: int = 60) -> str:
    shown = text if len(text) <= limit else text[:limit] + "…"
    shown = shown.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    shown = shown.replace("\t", "\\t")
    return f"'{shown}'"


def _too_large_message() -> str:
    return f"the file is larger than 1 MB ({MAX_BYTES:,} bytes), the most a framework file may be"


# ---------------------------------------------------------------------------------------------
# Pass 1: reading the YAML


class _Rejected(Exception):
    """Raised while composing the YAML to stop at something not allowed."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


class _Composing(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's composer and safe constructor, refusing anchors, aliases, deep nesting and very
    many values. Mixed into a loader after the class that reads the YAML events."""

    def _set_up(self) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Rejected(
                "YAML aliases (such as *name) are not allowed; write the value out in full",
                event.start_mark,
            )
        if getattr(event, "anchor", None) is not None:
            raise _Rejected(
                "YAML anchors (such as &name) are not allowed; write each value out in full",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Rejected(
                f"the file holds too many values; the most allowed is {MAX_NODES:,}",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Rejected(
                    f"lists and mappings are nested too deeply; the most allowed is {MAX_DEPTH}",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PurePythonLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Composing):
    """Reads YAML events with PyYAML's own Python code."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        self._set_up()


_Loader: type[Any] = _PurePythonLoader
if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _LibyamlLoader(CParser, _Composing):
        """Reads YAML events with libyaml, about ten times faster; composes them in Python."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._set_up()

    _Loader = _LibyamlLoader


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + name for name in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _BINARY, _VALUE, _MERGE = (
    _TAG + name for name in ("timestamp", "binary", "value", "merge")
)
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_PLAIN_KEY_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _VALUE}
_TRUE = {"yes", "true", "on"}
_FALSE = {"no", "false", "off"}
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]{0,29})")
_LABEL_KEY = re.compile(r"[0-9]{1,3}")
_LABELS_PATH: _Path = ("scale", "labels")


class _Invalid:
    """Stands in for a value that could not be read; it matches no JSON Schema type."""

    def __repr__(self) -> str:
        return "<unreadable value>"


_INVALID = _Invalid()


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


# Control characters other than tab, line feed and carriage return, and lone surrogates.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _bad_character(text: str) -> str | None:
    """The first control character or lone surrogate in ``text``, if any."""
    match = _BAD_CHARACTER.search(text)
    return match.group() if match else None


class _Builder:
    """Turns composed YAML nodes into plain Python values, noting problems with their paths."""

    def __init__(self, loader: Any, problems: _Problems) -> None:
        self.loader = loader
        self.problems = problems
        self.raw: dict[_Path, str] = {}

    def reject(self, path: _Path, message: str, node: yaml.Node) -> _Invalid:
        self.problems.add(path, message, node.start_mark.line + 1)
        self.problems.unreadable.add(path)
        return _INVALID

    def build(self, node: yaml.Node, path: _Path) -> Any:
        self.problems.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                return self.reject(
                    path, f"the YAML type {_tag_name(node.tag)} is not allowed here", node
                )
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self.reject(
                    path, f"the YAML type {_tag_name(node.tag)} is not allowed here", node
                )
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.build_scalar(node, path)

    def build_mapping(self, node: yaml.MappingNode, path: _Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.build_key(key_node, path)
            if key is None:
                continue
            key_path = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                self.problems.add(
                    key_path,
                    f"the key {_quote(key)} appears more than once here "
                    f"(first on line {first_lines[key]}); keep only one",
                    line,
                )
                continue
            first_lines[key] = line
            result[key] = self.build(value_node, key_path)
        return result

    def build_key(self, node: yaml.Node, parent: _Path) -> str | None:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.ScalarNode):
            self.problems.add(parent, "a key must be a single word, not a list or mapping", line)
            return None
        if node.tag == _MERGE:
            self.problems.add(
                parent, "YAML merge keys (<<) are not allowed; write the values out in full", line
            )
            return None
        if node.tag not in _PLAIN_KEY_TAGS:
            self.problems.add(
                parent, f"a key must be plain text, not {_tag_name(node.tag)} data", line
            )
            return None
        key = node.value
        bad = _bad_character(key)
        if bad is not None:
            self.problems.add(
                parent, f"a key contains a character that is not allowed (U+{ord(bad):04X})", line
            )
            return None
        if parent == _LABELS_PATH:
            if not _LABEL_KEY.fullmatch(key):
                self.problems.add(
                    (*parent, key),
                    f"{_quote(key)} is not a scale point; label keys must be whole numbers, "
                    "such as 1 or 5",
                    line,
                )
                return None
            key = str(int(key))
        return key

    def build_scalar(self, node: yaml.ScalarNode, path: _Path) -> Any:
        tag, raw = node.tag, node.value
        self.raw[path] = raw
        if tag in (_STR, _VALUE, _MERGE):
            bad = _bad_character(raw)
            if bad is not None:
                return self.reject(
                    path, f"contains a character that is not allowed (U+{ord(bad):04X})", node
                )
            return raw
        if tag == _NULL:
            return None
        if tag == _BOOL:
            lowered = raw.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            return self.reject(path, f"{_quote(raw)} is not true or false", node)
        if tag == _INT:
            if _DECIMAL.fullmatch(raw):
                return int(raw)
            return self.reject(
                path,
                f"{_quote(raw)} is not a plain whole number; write it in ordinary digits "
                "without leading zeros, such as 1 or 25",
                node,
            )
        if tag == _FLOAT:
            try:
                number = self.loader.construct_yaml_float(node)
            except Exception:
                return self.reject(path, f"{_quote(raw)} could not be read as a number", node)
            if not math.isfinite(number):
                return self.reject(path, "infinite and not-a-number values are not allowed", node)
            return number
        if tag == _TIMESTAMP:
            return self.reject(
                path,
                f"YAML reads {_quote(raw)} as a date or time, which is not allowed; "
                "put it in quotes if you mean it as text",
                node,
            )
        if tag == _BINARY:
            return self.reject(path, "binary data (!!binary) is not allowed", node)
        return self.reject(path, f"the YAML tag {_tag_name(tag)} is not allowed", node)


def _decode(text: object, problems: _Problems) -> str | None:
    if isinstance(text, bytes | bytearray | memoryview):
        size = text.nbytes if isinstance(text, memoryview) else len(text)
        if size > MAX_BYTES:
            problems.add((), _too_large_message())
            return None
        try:
            decoded = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(
                (),
                f"the file is not UTF-8 text (the byte at position {exc.start:,} cannot be read); "
                "save it with UTF-8 encoding and try again",
            )
            return None
    elif isinstance(text, str):
        if len(text) > MAX_BYTES:
            problems.add((), _too_large_message())
            return None
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            problems.add((), "the text contains characters that are not valid Unicode")
            return None
        if size > MAX_BYTES:
            problems.add((), _too_large_message())
            return None
        decoded = text
    else:
        problems.add((), f"expected the text of a file, not {type(text).__name__}")
        return None
    return decoded.removeprefix("\ufeff")


def _yaml_error_message(exc: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    if isinstance(exc, yaml.reader.ReaderError):
        character = exc.character
        if isinstance(character, int):
            return f"the file contains a character that is not allowed (U+{character:04X})", None
        return "the file contains a character that is not allowed", None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "the YAML could not be read"
        if mark is None:
            return f"this is not valid YAML: {problem}", None
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line = lines[mark.line]
            if "\t" in line[: len(line) - len(line.lstrip())]:
                problem += " (YAML does not allow tabs for indenting; use spaces)"
        return (
            f"this is not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}",
            mark.line + 1,
        )
    return "this is not valid YAML", None


def _read_yaml(text: str, problems: _Problems) -> tuple[Any, dict[_Path, str]]:
    """Build the single YAML document in ``text``, with the text of each single value as written.

    The document is ``_INVALID`` if it cannot be read at all.
    """
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        message, line = _yaml_error_message(exc, text)
        problems.add((), message, line)
        return _INVALID, {}
    try:
        try:
            loader.get_event()  # the start of the stream
            if loader.check_event(yaml.StreamEndEvent):
                problems.add((), "the file is empty")
                return _INVALID, {}
            node = loader.compose_document()
            if not loader.check_event(yaml.StreamEndEvent):
                event = loader.peek_event()
                problems.add(
                    (),
                    "the file holds more than one YAML document (a line with '---' starts "
                    "another); put everything in one document",
                    event.start_mark.line + 1,
                )
                return _INVALID, {}
        except _Rejected as exc:
            problems.add((), exc.message, exc.line)
            return _INVALID, {}
        except yaml.YAMLError as exc:
            message, line = _yaml_error_message(exc, text)
            problems.add((), message, line)
            return _INVALID, {}
        except RecursionError:
            problems.add((), "lists and mappings are nested too deeply")
            return _INVALID, {}
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            problems.add((), "the file is empty")
            return _INVALID, {}
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                found = "a list"
            elif isinstance(node, yaml.ScalarNode):
                value = _Builder(loader, _Problems()).build(node, ())
                found = (
                    f"a value tagged {_tag_name(node.tag)}"
                    if value is _INVALID
                    else _describe(value, node.value)
                )
            else:
                found = f"a value tagged {_tag_name(node.tag)}"
            problems.add(
                (),
                "the file must be a mapping of keys to values at the top level "
                f"(lines such as 'id: my-framework'), not {found}",
                node.start_mark.line + 1,
            )
            return _INVALID, {}
        builder = _Builder(loader, problems)
        return builder.build(node, ()), builder.raw
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------
# Pass 2: the JSON Schema


def _strict_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    # JSON Schema patterns follow ECMA-262, where "$" matches only at the very end. In Python it
    # also matches before a final newline, so "\Z" is used instead.
    if not validator.is_type(instance, "string"):
        return
    python_pattern = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if re.search(python_pattern, instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _load_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def _inline_references(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local ``$ref`` replaced by what it points to.

    The framework schema has no recursive references, so this is always possible; validating
    against the result gives the same errors and is several times faster.
    """
    definitions = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(value) for value in node]
        if not isinstance(node, dict):
            return node
        result = {key: inline(value) for key, value in node.items() if key not in ("$ref", "$defs")}
        reference = node.get("$ref")
        if reference is not None:
            name = reference.removeprefix("#/$defs/")
            target = inline(definitions[name])
            clashes = set(target) & set(result) - {"description"}
            if clashes or reference == name:
                raise ValueError(f"cannot inline {reference} alongside {sorted(clashes)}")
            result = {**target, **result}
        return result

    return inline(schema)


SCHEMA: dict[str, Any] = _load_schema()

_FrameworkValidator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern_keyword},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)
_VALIDATOR = _FrameworkValidator(_inline_references(SCHEMA))

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}

_PATTERN_MESSAGES = {
    "\\S": "must not be blank",
    "^[a-z0-9]+(-[a-z0-9]+)*$": (
        "is not a valid framework id: use lowercase letters and digits, with single hyphens "
        "between words, such as 'my-framework'"
    ),
    "^[a-z][a-z0-9_]*$": (
        "is not a valid id: use lowercase letters, digits and underscores, starting with a "
        "letter, such as 'common_purpose'"
    ),
    "^[A-Za-z][A-Za-z0-9_-]*$": (
        "is not a valid item id: use letters, digits, hyphens and underscores, starting with a "
        "letter, such as 'SU1'"
    ),
    "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$": "is not a language code such as 'en' or 'cy'",
}

_AT_LEAST_ONE = {
    "items": "a theme needs at least one item",
    "themes": "a framework needs at least one theme",
    "languages": "list at least one language",
    "positive": "list at least one scale point that counts as a positive answer",
    "negative": "list at least one scale point that counts as a negative answer",
}


def _describe(value: Any, raw: str | None) -> str:
    """How a wrongly typed value reads in a message, after the word "not"."""
    if value is _INVALID:
        return "a value that could not be read"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        written = (
            f" (written {_quote(raw)})" if raw and raw.lower() not in ("true", "false") else ""
        )
        return f"the value {str(value).lower()}{written}"
    if isinstance(value, int | float):
        return f"the number {raw if raw is not None else value}"
    if isinstance(value, str):
        return f"the text {_quote(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys to values"
    return f"a value of type {type(value).__name__}"


def _expected(types: str | list[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_NAMES.get(name, name) for name in names)


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def _schema_problems(tree: Any, raw: dict[_Path, str]) -> Iterator[tuple[_Path, str]]:
    errors = list(_VALIDATOR.iter_errors(tree))
    # A value of the wrong type is reported once, without the other rules it also breaks.
    wrong_type = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
    for error in errors:
        path: _Path = tuple(error.absolute_path)
        if path in wrong_type and error.validator != "type":
            continue
        keyword, expected, instance = error.validator, error.validator_value, error.instance
        if keyword == "required":
            if isinstance(instance, dict):
                for key in expected:
                    if key not in instance:
                        yield (*path, key), "is required but missing"
        elif keyword == "additionalProperties":
            if isinstance(instance, dict):
                known = error.schema.get("properties", {})
                patterns = error.schema.get("patternProperties", {})
                for key in instance:
                    if key in known or any(re.search(p, key) for p in patterns):
                        continue
                    yield (
                        (*path, key),
                        f"{_quote(key)} is not a recognised key here; check the spelling "
                        "(keys for your own use must start with 'x-')",
                    )
        elif keyword == "type":
            yield path, f"must be {_expected(expected)}, not {_describe(instance, raw.get(path))}"
        elif keyword == "minLength":
            yield path, "must not be empty"
        elif keyword == "maxLength":
            yield (
                path,
                f"is too long: {len(instance):,} characters, but the most allowed is {expected:,}",
            )
        elif keyword == "pattern":
            message = _PATTERN_MESSAGES.get(expected, "is not in the expected form")
            if not instance:
                pass  # an empty value is reported by minLength
            elif expected == "\\S":
                yield path, message
            else:
                yield path, f"{_quote(instance)} {message}"
        elif keyword == "minimum":
            yield path, f"must be at least {expected}, but it is {instance}"
        elif keyword == "maximum":
            yield path, f"must be at most {expected}, but it is {instance}"
        elif keyword == "minItems":
            last = path[-1] if path else None
            message = _AT_LEAST_ONE.get(last) if expected == 1 and isinstance(last, str) else None
            yield path, message or f"needs at least {_entries(expected)}"
        elif keyword == "maxItems":
            yield path, f"has {_entries(len(instance))}, but the most allowed is {expected}"
        elif keyword == "uniqueItems":
            seen: list[Any] = []
            for index, value in enumerate(instance):
                if any(type(value) is type(other) and value == other for other in seen):
                    shown = _quote(value) if isinstance(value, str) else str(value)
                    yield (*path, index), f"{shown} is listed more than once"
                seen.append(value)
        else:
            yield path, error.message


# ---------------------------------------------------------------------------------------------
# Pass 3: rules the schema cannot express


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scale(tree: dict[str, Any], problems: _Problems) -> None:
    scale = tree.get("scale")
    base: _Path = ("scale",)
    if not isinstance(scale, dict) or not problems.usable(base):
        return
    low, high = scale.get("min"), scale.get("max")
    low_ok = _is_int(low) and problems.usable((*base, "min"))
    high_ok = _is_int(high) and problems.usable((*base, "max"))
    if low_ok and high_ok and low >= high:
        problems.add((*base, "max"), f"must be greater than min ({low}), but it is {high}")
    in_range = low_ok and high_ok and low < high
    span = f"{low} to {high}"

    labels = scale.get("labels")
    labels_path = (*base, "labels")
    if in_range and isinstance(labels, dict) and problems.usable(labels_path):
        points = set()
        for key in labels:
            if key.isdigit():
                point = int(key)
                points.add(point)
                if not low <= point <= high:
                    problems.add(
                        (*labels_path, key), f"scale point {point} is outside the scale ({span})"
                    )
        for point in range(low, high + 1):
            if point not in points:
                problems.add(labels_path, f"no label for scale point {point}")

    positive_at: dict[int, _Path] = {}
    for kind in ("positive", "negative"):
        codes = scale.get(kind)
        kind_path = (*base, kind)
        if not isinstance(codes, list) or not problems.usable(kind_path):
            continue
        for index, code in enumerate(codes):
            code_path = (*kind_path, index)
            if not _is_int(code) or not problems.usable(code_path):
                continue
            if in_range and not low <= code <= high:
                problems.add(code_path, f"{code} is outside the scale ({span})")
            elif kind == "positive":
                positive_at.setdefault(code, code_path)
            elif code in positive_at:
                problems.add(
                    code_path,
                    f"{code} is listed as both positive and negative "
                    f"(also at {_format_path(positive_at[code])})",
                )


def _id_paths(tree: dict[str, Any]) -> Iterator[tuple[_Path, Any]]:
    themes = tree.get("themes")
    if isinstance(themes, list):
        for theme_index, theme in enumerate(themes):
            if not isinstance(theme, dict):
                continue
            yield ("themes", theme_index, "id"), theme.get("id")
            items = theme.get("items")
            if isinstance(items, list):
                for item_index, item in enumerate(items):
                    if isinstance(item, dict):
                        path = ("themes", theme_index, "items", item_index, "id")
                        yield path, item.get("id")
    for kind in ("benefits", "barriers"):
        entries = tree.get(kind)
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                if isinstance(entry, dict):
                    yield (kind, index, "id"), entry.get("id")


def _id_kind(path: _Path) -> str:
    if path[0] == "themes":
        return "item" if "items" in path else "theme"
    return "benefit" if path[0] == "benefits" else "barrier"


def _check_ids(tree: dict[str, Any], problems: _Problems) -> None:
    first: dict[str, tuple[_Path, str]] = {}
    for path, value in _id_paths(tree):
        if not isinstance(value, str) or not problems.usable(path):
            continue
        folded = value.casefold()
        if folded not in first:
            first[folded] = (path, value)
            continue
        other_path, other_value = first[folded]
        where = _format_path(other_path)
        if other_value == value:
            message = f"{_quote(value)} is used more than once (also at {where})"
        else:
            message = (
                f"{_quote(value)} clashes with {_quote(other_value)} at {where}; ids must differ "
                "by more than capital letters"
            )
        if _id_kind(path) != _id_kind(other_path):
            message += "; theme, item, benefit and barrier ids must all be different"
        problems.add(path, message)


def _check_item_count(tree: dict[str, Any], problems: _Problems) -> None:
    themes = tree.get("themes")
    if not isinstance(themes, list):
        return
    total = sum(
        len(theme["items"])
        for theme in themes
        if isinstance(theme, dict) and isinstance(theme.get("items"), list)
    )
    if total > MAX_TOTAL_ITEMS:
        problems.add(
            ("themes",),
            f"the framework has {total} items in all, but the most allowed is {MAX_TOTAL_ITEMS}",
        )


# ---------------------------------------------------------------------------------------------
# Putting it together


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _optional_text(value: str | None) -> str | None:
    return None if value is None else _text(value)


def _extensions(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key.startswith("x-")}


def _normalise(tree: dict[str, Any]) -> dict[str, Any]:
    scale = tree["scale"]

    def entry(raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": raw["id"],
            "title": _text(raw["title"]),
            "description": _text(raw["description"]),
            **_extensions(raw),
        }

    def item(raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": raw["id"],
            "statement": _text(raw["statement"]),
            "plain_statement": _optional_text(raw.get("plain_statement")),
            "prompt": _text(raw["prompt"]),
            "reverse_keyed": raw.get("reverse_keyed", False),
            **_extensions(raw),
        }

    def theme(raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": raw["id"],
            "title": _text(raw["title"]),
            "description": _text(raw["description"]),
            "items": [item(each) for each in raw["items"]],
            **_extensions(raw),
        }

    return {
        "id": tree["id"],
        "version": tree["version"],
        "title": _text(tree["title"]),
        "description": _text(tree["description"]),
        "languages": list(tree["languages"]),
        "scale": {
            "min": scale["min"],
            "max": scale["max"],
            "labels": {
                int(key): _text(label)
                for key, label in sorted(scale["labels"].items(), key=lambda pair: int(pair[0]))
            },
            "dont_know": _text(scale["dont_know"]),
            "positive": sorted(scale["positive"]),
            "negative": sorted(scale["negative"]),
            **_extensions(scale),
        },
        "themes": [theme(each) for each in tree["themes"]],
        "benefits": [entry(each) for each in tree.get("benefits") or []],
        "barriers": [entry(each) for each in tree.get("barriers") or []],
        **_extensions(tree),
    }


def _parse(text: str | bytes, source: str) -> dict[str, Any]:
    problems = _Problems()
    decoded = _decode(text, problems)
    if decoded is None:
        raise problems.error(source)
    if not decoded.strip():
        problems.add((), "the file is empty")
        raise problems.error(source)

    tree, raw = _read_yaml(decoded, problems)
    if tree is _INVALID:
        raise problems.error(source)

    for path, message in _schema_problems(tree, raw):
        if any(path[:length] in problems.unreadable for length in range(len(path) + 1)):
            continue
        problems.add(path, message)
    _check_scale(tree, problems)
    _check_ids(tree, problems)
    _check_item_count(tree, problems)
    if problems.found:
        raise problems.error(source)
    return _normalise(tree)
