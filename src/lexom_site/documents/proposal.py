"""`lexom-site proposal`: a proposal file -> one ready-to-sign PDF.

    proposal.yaml -> inputs.proposal (checked against the catalogue and site.yaml)
                  -> templates/pdf/proposal.html or contract.html (WeasyPrint)
                  -> the CGV verified word for word -> proposals/NUMBER.pdf

Proposals hold the names of clients and participants: they are never
written into the site's output folder or the project's sources (the
command refuses such a path), the default folder `proposals/` is ignored by
git, and nothing of them enters the build cache. The same file always
makes the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..diagnostics import BuildError, Refused, display_path
from ..i18n import _
from ..files import write_atomic
from ..inputs.catalogue import read_course
from ..inputs.config import load_config
from ..inputs.course import Course
from ..inputs.key_facts import key_facts
from ..inputs.proposal import Proposal, cents, parse_proposal
from ..inputs.source import read_source
from ..legal.cgv import load_cgv
from ..legal.verify import verify_cgv_copies
from ..paths import INPUT_DIRS, OUTPUT_DIR, OUTPUT_MARKER

PROPOSALS_DIR = "proposals"  # the default output folder (git-ignored)
PROPOSAL_TEMPLATE, CONTRACT_TEMPLATE = "pdf/proposal.html", "pdf/contract.html"
CONTRACT_MAX_FIRST_PAYMENT = Decimal(30)  # % of the price, after the withdrawal period (Code du travail L6353-6)


@dataclass(frozen=True)
class Made:
    path: Path
    shown: str
    pages: int
    proposal: Proposal


def _refuse_output(out: Path, root: Path) -> None:
    """Personal data never goes into the site's output or the project's sources."""
    out = out.resolve()
    forbidden = [root / name for name in (*INPUT_DIRS, OUTPUT_DIR)]
    published = any((folder / OUTPUT_MARKER).exists() for folder in out.parents)
    if published or any(out.is_relative_to(folder) for folder in forbidden):
        raise Refused(_("{out} is inside the site's output or the project's sources: a proposal holds personal data "
                        "and is never published; write it elsewhere (default: {folder}/)").format(
                            out=out, folder=PROPOSALS_DIR))


def make_proposal(root: Path, file: Path, out: Path | None = None, *, contract: bool = False) -> Made:
    """Check `file`, lay out its PDF and write it to `out` (default proposals/NUMBER.pdf).
    BuildError with every problem (nothing written); Refused for an output path inside the site."""
    config = load_config(root)
    cgv = load_cgv(config)
    source, problems = read_source(file, display_path(file, config.root))
    if source is None:
        raise BuildError(problems)
    course_problems: list = []

    def find_course(ref: str) -> Course | None:
        path = config.courses_dir / f"{ref}.md"
        if not path.is_file():
            return None
        course, found = read_course(path, config)[1:]
        course_problems.extend(found)
        return course

    proposal, problems = parse_proposal(source, config, find_course, individual=contract)
    if proposal is None or course_problems:
        raise BuildError(problems + course_problems)
    name = re.sub(r"[^A-Za-z0-9._-]", "-", proposal.number) + ("-contrat" if contract else "") + ".pdf"
    target = (out if out is not None else config.root / PROPOSALS_DIR / name).resolve()
    _refuse_output(target, config.root)

    from ..render.pdf_layout import PdfRenderer  # WeasyPrint: loaded only to make a PDF

    part = PdfRenderer(config, cgv).layout(
        CONTRACT_TEMPLATE if contract else PROPOSAL_TEMPLATE, proposal=proposal, course=proposal.course,
        kf=key_facts(proposal.course, config),
        contract_deposit=cents(proposal.total_ttc * CONTRACT_MAX_FIRST_PAYMENT / 100))
    shown = display_path(target, config.root)
    problems = verify_cgv_copies(cgv, [(shown, part.pdf)], "")
    if problems:
        raise BuildError(problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, part.pdf)
    return Made(target, shown, part.pages, proposal)
