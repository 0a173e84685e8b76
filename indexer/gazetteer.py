"""The 124 commune-level units of Lâm Đồng since 1 July 2025, and the teams that watch them.

Names and official codes come from the ``vietnam-provinces`` package, never
typed by hand. Reading them from it costs about 40 ms a process (its import and
its tables), which every ``vanthu search`` would pay, so they are generated once
into ``lam_dong.json`` beside this module, which records the package's version
it came from (``python -m indexer.gazetteer`` writes it again; a test checks it
against the installed package). The package writes some names in the old tone-mark style or
lower case (``Phú Thuỷ``, ``Đắk song``), so every comparison goes through
``canonical`` and case folding; a name is found in a text only after its type
word (``xã``, ``phường``, ``đặc khu``), alone or in a list (``các phường Bắc Gia
Nghĩa, Nam Gia Nghĩa``), and always as the longest name that fits, so that
``xã Đạ Huoai 2`` is never read as ``Đạ Huoai``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from docgen.errors import InvalidInput
from docgen.text import canonical, diacritic_slips, fold, fold_keep

PROVINCE = 68  # Lâm Đồng, by its official code
GENERATED = Path(__file__).with_name("lam_dong.json")
SOURCE = "vietnam-provinces"
TYPE_WORDS = {"xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}
_TYPE = re.compile(r"(?<!\w)(đặc khu|phường|xã)\s+", re.IGNORECASE)
_FOLDED_TYPE = re.compile(r"(?<!\w)(dac khu|phuong|xa)\s+")
_WORD = re.compile(r"[\w']+")
_SEPARATOR = re.compile(r"\s*(?:,|;|và|\bva\b)\s*")


def _title(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:] if word[:1].islower() else word
                    for word in name.split(" "))


def _key(text: str) -> str:
    """Canonical, lower case, one kind of dash and space: the form names are matched in."""
    text = re.sub(r"\s*[-–—]\s*", " - ", canonical(text).casefold())
    return re.sub(r"\s+", " ", text).strip()


def _loose(text: str) -> str:
    """Canonical, lower case, dashes as spaces: the form parts of names are matched in."""
    return re.sub(r"[\s\-–—]+", " ", canonical(text).casefold()).strip()


@dataclass(frozen=True)
class Locality:
    code: str
    kind: str  # xã | phường | đặc khu
    name: str  # without the type word: "Xuân Hương - Đà Lạt"

    @property
    def full_name(self) -> str:
        return f"{self.kind.capitalize()} {self.name}"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "kind": self.kind, "name": self.name, "full_name": self.full_name}


def from_package() -> tuple[Locality, ...]:
    """The province's localities as the ``vietnam-provinces`` package gives them (slow: see above)."""
    import vietnam_provinces as vp

    found = []
    for ward in vp.Ward.iter_by_province(vp.ProvinceCode(PROVINCE)):
        kind = ward.division_type.value
        bare = canonical(ward.name)[len(kind):].strip()
        found.append(Locality(str(int(ward.code)), kind, _title(bare)))
    return tuple(sorted(found, key=lambda loc: (loc.kind, fold(loc.name))))


def package_version() -> str:
    from importlib.metadata import version

    return version(SOURCE)


def write_generated(path: Path = GENERATED) -> None:
    """``lam_dong.json``: the localities from the package, and the package's version."""
    rows = ",\n".join(json.dumps([loc.code, loc.kind, loc.name], ensure_ascii=False) for loc in from_package())
    head = json.dumps({"source": f"{SOURCE} {package_version()}", "province": PROVINCE}, ensure_ascii=False)
    path.write_text(f'{head[:-1]}, "localities": [\n{rows}\n]}}\n', "utf-8")  # a locality a line


def read_generated(path: Path = GENERATED) -> tuple[str, tuple[Locality, ...]] | None:
    """The generated file's source and localities, or None when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return data["source"], tuple(Locality(*row) for row in data["localities"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@cache
def localities() -> tuple[Locality, ...]:
    """From the generated file; from the package itself if the file is missing (a source tree
    whose file was deleted still works, only slower)."""
    generated = read_generated()
    return generated[1] if generated else from_package()


class Gazetteer:
    def __init__(self, teams: dict[int, tuple[str, ...]] | Callable[[], dict[int, tuple[str, ...]]] | None = None):
        """``teams``: team number → locality codes, or what reads them when first asked (``vanthu.toml``'s
        ``[teams]``: a search without ``--team`` only names localities, and parses no configuration)."""
        self.all = localities()
        self.by_code = {loc.code: loc for loc in self.all}
        if callable(teams):
            self._read_teams = teams
        else:
            self.teams = teams or {}

    @cached_property
    def teams(self) -> dict[int, tuple[str, ...]]:
        return self._read_teams()

    @cached_property
    def _names(self) -> dict[Locality, tuple[str, str]]:
        """Each locality's name and full name as matched, computed once, when a name is first looked
        up (a search without ``--locality`` only names the localities of its hits)."""
        return {loc: (_key(loc.name), _key(loc.full_name)) for loc in self.all}

    @cached_property
    def _by_key(self) -> dict[str, list[Locality]]:
        found: dict[str, list[Locality]] = {}
        for loc, (name, full) in self._names.items():
            for key in dict.fromkeys((name, fold(name), full, fold(full))):
                if loc not in found.setdefault(key, []):
                    found[key].append(loc)
        return found

    @cached_property
    def _by_first(self) -> dict[str, list[tuple[str, Locality]]]:
        """By first word, longest first, so that the longest name that fits wins."""
        found: dict[str, list[tuple[str, Locality]]] = {}
        for loc in sorted(self.all, key=lambda loc: -len(self._names[loc][0])):
            found.setdefault(self._names[loc][0].split(" ")[0], []).append((self._names[loc][0], loc))
        return found

    def resolve(self, text: str) -> Locality:
        """A locality from what a user typed: a code, or a name with or without accents or type word."""
        typed = text.strip()
        if typed in self.by_code:
            return self.by_code[typed]
        matches = self._by_key.get(_key(typed)) or self._by_key.get(fold(_key(typed))) or []
        if len(matches) == 1:
            return matches[0]
        matches = matches or self._by_part(typed)
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(loc.full_name for loc in matches)
            raise InvalidInput(f"«{text}» khớp nhiều địa bàn: {names}; gõ rõ hơn", field="--locality")
        near = self.nearest(typed)
        hint = f"; có phải: {', '.join(near)}?" if near else ""
        raise InvalidInput(f"không có xã, phường, đặc khu «{text}» ở tỉnh Lâm Đồng{hint}", field="--locality")

    def _by_part(self, typed: str) -> list[Locality]:
        """The localities whose name holds the typed words, in order and whole, hyphens and type
        word aside (``Xuân Hương``, ``xuan huong da lat`` → phường Xuân Hương - Đà Lạt); with
        accents typed, accents count."""
        words = _loose(typed).split()
        words = words[2:] if words[:2] == ["dac", "khu"] or words[:2] == ["đặc", "khu"] else words
        words = words[1:] if words[:1] and fold(words[0]) in ("xa", "phuong") else words
        if not words:
            return []
        accented = words != fold(" ".join(words)).split()
        wanted = f" {' '.join(words if accented else [fold(w) for w in words])} "
        found = []
        for loc in self.all:
            name = _loose(loc.name)
            if wanted in f" {name if accented else fold(name)} ":
                found.append(loc)
        exact = [loc for loc in found if fold(_loose(loc.name)) == fold(wanted.strip())]
        return exact or found

    def nearest(self, typed: str, count: int = 3) -> list[str]:
        """The full names closest to what was typed (to a whole name or to one of its parts
        around the hyphen), for the message of a name not found."""
        wanted = fold(_loose(typed))
        scored = []
        for loc in self.all:
            variants = {fold(_loose(loc.name)), *(fold(_loose(part)) for part in loc.name.split(" - "))}
            score = max(difflib.SequenceMatcher(None, wanted, v).ratio() for v in variants)
            if score >= 0.7:
                scored.append((-score, loc.full_name))
        return [name for _score, name in sorted(scored)[:count]]

    def _name_at(self, text: str, position: int) -> Locality | None:
        first = _WORD.match(text, position)
        for key, loc in self._by_first.get(first.group() if first else "", []):
            end = position + len(key)
            if text.startswith(key, position) and (end == len(text) or not text[end].isalnum()):
                return loc
        return None

    @cached_property
    def _by_first_folded(self) -> dict[str, list[tuple[str, Locality]]]:
        """``_by_first`` with every name folded, for text read by OCR."""
        by_first: dict[str, list[tuple[str, Locality]]] = {}
        for entries in self._by_first.values():
            for key, loc in entries:
                by_first.setdefault(fold_keep(key).split(" ")[0], []).append((fold_keep(key), loc))
        for entries in by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        return by_first

    def _slipped_at(self, text: str, folded: str, position: int, slips: int) -> Locality | None:
        """The longest name at ``position`` of the folded text that the original spells with at most
        ``slips`` wrong diacritics, and that no other name folds to."""
        first = _WORD.match(folded, position)
        for key, loc in self._by_first_folded.get(first.group() if first else "", []):
            end = position + len(key)
            if folded.startswith(key, position) and (end == len(folded) or not folded[end].isalnum()):
                unique = len(self._by_key.get(fold(_key(loc.name)), [])) == 1
                wrong = diacritic_slips(text[position:end], _key(loc.name))
                if wrong == 0 or (unique and 0 <= wrong <= slips):
                    return loc
        return None

    def find(self, text: str, *, slips: int = 0) -> list[Locality]:
        """The localities a text names after a type word, in order of first mention; ``slips`` is
        how many syllables of a name (and its type word) may carry a wrong diacritic (OCR)."""
        haystack = _key(text)
        if slips:
            folded = fold_keep(haystack)
            return self._found(folded, lambda at: self._slipped_at(haystack, folded, at, slips), _FOLDED_TYPE)
        return self._found(haystack, lambda at: self._name_at(haystack, at), _TYPE)

    def _found(self, haystack: str, name_at: Callable[[int], Locality | None],
               type_word: re.Pattern[str]) -> list[Locality]:
        found: list[Locality] = []
        for match in type_word.finditer(haystack):
            position = match.end()
            while (loc := name_at(position)) is not None:
                if loc not in found:
                    found.append(loc)
                position += len(_key(loc.name))
                separator = _SEPARATOR.match(haystack, position)
                if not separator:
                    break
                position = separator.end()
                repeated_type = type_word.match(haystack, position)  # "xã A, xã B"
                if repeated_type:
                    position = repeated_type.end()
        return found

    def teams_of(self, found: list[Locality]) -> list[int]:
        codes = {loc.code for loc in found}
        return sorted(team for team, members in self.teams.items() if codes & set(members))

    def team_localities(self, team: int) -> list[Locality]:
        if team not in self.teams:
            known = ", ".join(str(t) for t in sorted(self.teams))
            raise InvalidInput(f"không có Tổ theo dõi địa bàn số {team} (có: {known})", field="--team")
        return [self.by_code[code] for code in self.teams[team]]


def parse_teams(table: Any, gazetteer: Gazetteer, source: str) -> dict[int, tuple[str, ...]]:
    """``[teams]`` of vanthu.toml: team number → locality names; every name must resolve."""
    if not isinstance(table, dict):
        raise InvalidInput("phải là một bảng (table)", file=source, field="teams")
    teams: dict[int, tuple[str, ...]] = {}
    for key, names in table.items():
        if not str(key).isdigit() or not isinstance(names, list):
            raise InvalidInput("mỗi tổ là số thứ tự = [danh sách xã, phường]", file=source,
                               field=f"teams.{key}")
        codes = []
        for index, name in enumerate(names, start=1):
            try:
                codes.append(gazetteer.resolve(str(name)).code)
            except InvalidInput as exc:
                raise InvalidInput(exc.reason, file=source, field=f"teams.{key}[{index}]") from exc
        teams[int(key)] = tuple(codes)
    return teams


if __name__ == "__main__":
    write_generated()
    print(f"{GENERATED.name}: {len(from_package())} địa bàn, {SOURCE} {package_version()}")
