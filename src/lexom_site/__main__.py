"""`python -m lexom_site` is `lexom-site`."""

from .cli import main

main(prog_name="lexom-site")
