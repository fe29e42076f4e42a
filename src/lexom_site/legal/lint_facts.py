"""Legal lint, facts: an e-mail address, URL, host name, company name, court,
mediator or declared amount that looks like a declared fact but is not equal
to it is an error with a suggestion; inside the CGV every address is written
as a fact (`{{ name }}`) and every amount is a declared one.

Six rules, each on the folded text with its Jinja placeholders blanked out
(`LintText.masked`): e-mails, URLs, host names, company names, phrases
(court, mediator...), amounts. Host and company names inside an e-mail
address or URL (`LintText.addresses`) are left to the e-mail and URL rules.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..i18n import N_, _, ngettext
from ..inputs.config import AMOUNT_RE, SiteConfig, amount_key
from ..inputs.kinds import Choice
from ..inputs.site_facts import KNOWN_FACTS
from .cgv import Cgv
from .lint_rule import EMAIL_RE, URL_RE, FileRule, Finding, LintText
from .textnorm import LineIndex, fold

_HOST = re.compile(r"(?<![\w@.-])(?:www\.)?(?:[a-z0-9-]+\.)+(?:fr|com|eu|org|net|info|biz|io|co)(?![\w-])",
                   re.IGNORECASE)
_TLD = re.compile(r"\.(?:fr|com|eu|org|net|info|biz|io|co)(?![\w-])", re.IGNORECASE)
_SIMILAR_ADDRESS = 80.0
_SIMILAR_PHRASE = 85.0

_DECLARED_HINT = N_("declare it under 'facts:' in site.yaml and write {{ name }} in the CGV")
_WRITTEN_OUT_HINT = N_("write {{{{ {name} }}}}: it is declared in site.yaml")


def _host_of(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/")[0].lower()


def _label(host: str) -> str:
    """lexom.fr -> lexom; www.lexom.fr -> lexom."""
    parts = host.lower().removeprefix("www.").split(".")
    return parts[-2] if len(parts) >= 2 else parts[0]


class _Addresses:
    """The declared e-mail addresses (by their lower-case value), URLs and
    the host names of both."""

    def __init__(self, config: SiteConfig):
        facts = config.facts.values()
        self.emails = {f.value.lower(): f for f in facts if EMAIL_RE.fullmatch(f.value)}
        self.urls = {f.value: f for f in facts if URL_RE.fullmatch(f.value)}
        self.hosts = {h for h in (_host_of(u) for u in self.urls)} | {e.split("@")[1] for e in self.emails}
        self.labels = {_label(h) for h in self.hosts}

    def near_host(self, start: int, host: str) -> list[Finding]:
        """A host name close to a declared one, or with the same name under another domain."""
        host = host.lower()
        if host in self.hosts or not self.hosts:
            return []
        best = max(self.hosts, key=lambda h: fuzz.ratio(host, h))
        same_name = _label(host) in self.labels
        if same_name or fuzz.ratio(host, best) >= _SIMILAR_ADDRESS:
            if same_name:
                best = max((h for h in self.hosts if _label(h) == _label(host)), key=lambda h: fuzz.ratio(host, h))
            return [Finding(start, _("'{address}' is not a declared address: did you mean {declared}?").format(
                address=host, declared=best), _("the site's addresses are declared in site.yaml under 'facts:'"))]
        return []


class EmailRule(FileRule):
    """An e-mail address near a declared one; in the CGV, any address written out."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.addresses = _Addresses(config)

    def check(self, text: LintText) -> list[Finding]:
        findings: list[Finding] = []
        for match in text.emails:
            findings += self._email(match, text.file.kind)
        return findings

    def _email(self, match: re.Match, kind: str) -> list[Finding]:
        emails = self.addresses.emails
        email = match.group()
        fact = emails.get(email.lower())
        if fact is not None:
            if kind == "cgv":
                return [Finding(match.start(), _("address '{address}' written out in the CGV").format(address=email),
                                _(_WRITTEN_OUT_HINT).format(name=fact.name))]
            return []
        near = [f for f in emails.values() if _near_miss(email, f.value)]
        if near:  # a misspelling of a declared address (never merely one at the same domain)
            best = min(near, key=lambda f: (Levenshtein.distance(email.lower(), f.value.lower()), f.name))
            return [Finding(match.start(), _("'{address}' is not a declared address: did you mean {declared}?")
                            .format(address=email, declared=best.value),
                            _("{declared} is declared in site.yaml as {name}; if {address} is another address, "
                              "declare it there too, under 'facts:' (e.g. contacts.sales.email: {address})")
                            .format(declared=best.value, name=best.name, address=email))]
        if kind == "cgv":
            return [Finding(match.start(), _("address '{address}' in the CGV is not a declared fact").format(
                address=email), _(_DECLARED_HINT))]
        return []


class UrlRule(FileRule):
    """A URL whose host is near a declared one; in the CGV, any URL written out."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.addresses = _Addresses(config)
        self.bare = {u.rstrip("/") for u in self.addresses.urls}

    def check(self, text: LintText) -> list[Finding]:
        findings: list[Finding] = []
        for match in text.urls:
            findings += self._url(match, text.file.kind)
        return findings

    def _url(self, match: re.Match, kind: str) -> list[Finding]:
        urls = self.addresses.urls
        url = match.group()
        if url in urls or url.rstrip("/") in self.bare:
            if kind == "cgv":
                fact = urls.get(url) or next(f for u, f in urls.items() if u.rstrip("/") == url.rstrip("/"))
                return [Finding(match.start(), _("address '{address}' written out in the CGV").format(address=url),
                                _(_WRITTEN_OUT_HINT).format(name=fact.name))]
            return []
        host_findings = self.addresses.near_host(match.start(), _host_of(url))
        if host_findings:
            return host_findings
        if kind == "cgv":
            return [Finding(match.start(), _("address '{address}' in the CGV is not a declared fact").format(
                address=url), _(_DECLARED_HINT))]
        return []


class HostRule(FileRule):
    """A bare host name (www.lexom.com) near a declared one."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.addresses = _Addresses(config)

    def check(self, text: LintText) -> list[Finding]:
        masked = text.masked
        findings: list[Finding] = []
        for match in _HOST.finditer(masked) if _TLD.search(masked) else ():
            if not text.in_address(match.start()):
                findings += self.addresses.near_host(match.start(), match.group())
        return findings


class NameRule(FileRule):
    """A word near a declared one-word name in capitals (LEXSOM, Lexom for LEXOM)."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        addresses = _Addresses(config)
        self.names = [f for f in config.facts.values()
                      if f not in addresses.emails.values() and f not in addresses.urls.values()
                      and " " not in f.value and f.value.isupper() and len(f.value) >= 4]
        # a near-miss of a name starts with its initial (in capitals) and has a length close to its length
        self.candidates = re.compile("|".join(
            rf"\b{re.escape(f.value[0])}[A-Za-zÀ-ÖØ-öø-ÿ]{{{low - 1},{high - 1}}}\b"
            for f in self.names for low, high in [_similar_lengths(len(f.value))]) or "(?!)")

    def check(self, text: LintText) -> list[Finding]:
        findings: list[Finding] = []
        if not self.names:
            return findings
        for match in self.candidates.finditer(text.masked):
            word = match.group()
            if text.in_address(match.start()):
                continue
            upper = word.upper()
            for fact in self.names:
                if word == fact.value or not _lengths_allow(len(word), len(fact.value)):
                    continue
                if upper == fact.value.upper() or (
                        word[0].upper() == fact.value[0] and fuzz.ratio(upper, fact.value) >= _SIMILAR_ADDRESS):
                    findings.append(Finding(match.start(), _("'{word}' looks like the declared {name} '{value}': "
                                                             "did you mean {value}?").format(
                                                word=word, name=fact.name, value=fact.value),
                                            _("declared in site.yaml as {name}").format(name=fact.name)))
        return findings


# Facts chosen from a few set phrases (« actions de formation »): common words, never a name to misspell.
_CHOSEN = {spec.name for spec in KNOWN_FACTS if isinstance(spec.kind, Choice)}


class PhraseRule(FileRule):
    """A line nearly stating a declared phrase (the court, the mediator...)."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.keys = []  # fact, its folded value, its long words
        for fact in config.facts.values():
            if " " not in fact.value or URL_RE.search(fact.value) or fact.name in _CHOSEN:
                continue
            value = fold(fact.value)
            long_words = sorted(set(re.findall(r"\w{5,}", value.lower())), key=len, reverse=True)
            if long_words:
                self.keys.append((fact, value, re.compile("|".join(map(re.escape, long_words)))))

    def check(self, text: LintText) -> list[Finding]:
        findings = []
        masked = text.masked
        text_lower = masked.lower()
        for fact, value, keywords in self.keys:
            lines_seen: set[int] = set()
            for hit in keywords.finditer(text_lower):  # only lines sharing a long word with the fact
                start_of_line = masked.rfind("\n", 0, hit.start()) + 1
                if start_of_line in lines_seen:
                    continue
                lines_seen.add(start_of_line)
                end_of_line = masked.find("\n", hit.start())
                line = masked[start_of_line : end_of_line if end_of_line >= 0 else len(masked)]
                if value in line:
                    continue
                found = fuzz.partial_ratio_alignment(value.lower(), line.lower(), score_cutoff=_SIMILAR_PHRASE)
                if found is not None:
                    start, end = found.dest_start, found.dest_end
                    findings.append(Finding(start_of_line + start, _("'{text}' looks like the declared {name}: did "
                                                                     "you mean '{value}'?").format(
                                                text=line[start:end].strip(), name=fact.name, value=fact.value),
                                            _("declared in site.yaml as {name}").format(name=fact.name)))
        return sorted(findings, key=_offset)


class AmountRule(FileRule):
    """An amount in the words of a declared one that differs from it; in the
    CGV, an amount not declared, or one fact stated with two values."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.contexts = [(amount, _context_anchor(context), _context_regex(context))
                         for amount in config.amounts for context in amount.contexts]

    def check(self, text: LintText) -> list[Finding]:
        masked = text.masked
        findings = []
        lower = masked.lower()
        covered: set[int] = set()
        seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for amount, anchor, regex in self.contexts:
            if anchor not in lower:  # a cheap test first: most texts state no amount at all
                continue
            for match in regex.finditer(lower):
                covered.add(match.start("number"))
                stated = masked[match.start("number") : match.end("unit")]
                seen[amount.name].append((match.start("number"), stated))
                if amount_key(match["number"], match["unit"]) != amount.key:
                    findings.append(Finding(match.start("number"), _("'{stated}' differs from the declared {name} "
                                                                     "({value}): did you mean {value}?").format(
                                                stated=stated, name=amount.name, value=amount.value),
                                            _("declared in site.yaml, line {line}").format(line=amount.line)))
        if text.file.kind == "cgv":
            for match in AMOUNT_RE.finditer(masked):
                if match.start("number") not in covered and not _inside_word(masked, match.start()):
                    findings.append(Finding(match.start(), _("amount '{amount}' in the CGV is not declared").format(
                                                amount=match.group()),
                                            _("declare it under 'amounts:' in site.yaml with the words around it")))
            findings += _two_values(masked, seen)
        return findings


def _two_values(masked: str, seen: dict[str, list[tuple[int, str]]]) -> list[Finding]:
    """One finding per amount the CGV states with two values."""
    findings = []
    # lines counted in the masked text, as they always were (a {# #} comment over several lines counts as one)
    index = LineIndex(masked)
    for name, statements in seen.items():
        lines_by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
        shown: dict[tuple[str, str], str] = {}
        for start, stated in statements:
            key = amount_key(*AMOUNT_RE.fullmatch(stated).group("number", "unit"))
            lines_by_value[key].append(index.position(start)[0])
            shown.setdefault(key, stated)
        if len(lines_by_value) > 1:
            listed = _(" and ").join(ngettext("{value} (line {lines})", "{value} (lines {lines})", len(v)).format(
                value=shown[k], lines=", ".join(map(str, v))) for k, v in lines_by_value.items())
            findings.append(Finding(statements[0][0], _("the CGV states {name} with two values: {listed}").format(
                name=name, listed=listed), _("one fact, one value: correct the wrong one")))
    return findings


def _near_miss(written: str, declared: str) -> bool:
    """Is `written` a misspelling of the declared address `declared`: its name (before @) one or two letters
    away (by edit distance, one per four letters), and its domain the same, or misspelt, or under another
    ending (lexom.com)? An address that only shares the domain (formation@lexom.fr, dpo@lexom.fr) is not."""
    name, domain = written.lower().partition("@")[::2]
    declared_name, declared_domain = declared.lower().partition("@")[::2]
    name_near = Levenshtein.distance(name, declared_name) <= max(1, len(declared_name) // 4)
    domain_near = (domain == declared_domain or _label(domain) == _label(declared_domain)
                   or fuzz.ratio(domain, declared_domain) >= _SIMILAR_ADDRESS)
    return name_near and domain_near


def _offset(finding: Finding) -> int:
    return finding.start


def _similar_lengths(n: int) -> tuple[int, int]:
    """The word lengths that can reach the similarity threshold with a word of n letters."""
    lengths = [m for m in range(1, 4 * n) if _lengths_allow(m, n)]
    return max(3, lengths[0]), lengths[-1]


def _lengths_allow(a: int, b: int) -> bool:
    """Can two words of these lengths reach the similarity threshold? (ratio <= 2*min/(a+b))"""
    return 200 * min(a, b) >= _SIMILAR_ADDRESS * (a + b)


def _inside_word(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-./")


def _context_anchor(context: str) -> str:
    """The longest word of a context: a text without it cannot match the context."""
    return max(re.findall(r"\w+", fold(context).lower().replace("{}", " ")), key=len, default="")


def _context_regex(context: str) -> re.Pattern:
    before, after = (re.escape(part.lower()).replace(r"\ ", r"\s+") for part in context.split("{}"))
    return re.compile(before + AMOUNT_RE.pattern + after, re.IGNORECASE)
