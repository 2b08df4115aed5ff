"""``newsdesk sites``: learn the repeating blocks of a site's template from its pages, and show them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from newsdesk.cli.app import DbOption, app, console, out
from newsdesk.cli.extract import expand_inputs, load_page
from newsdesk.errors import NewsdeskError
from newsdesk.extract import extract_with_body, learn_template

if TYPE_CHECKING:
    from newsdesk.store import Store

sites_app = typer.Typer(help="Site templates learned from several pages of one site.", no_args_is_help=True)
app.add_typer(sites_app, name="sites")


def _site_store(db: str | None) -> Store:
    from newsdesk.store import open_store  # imported here: the store's start-up cost is for commands using it

    return open_store(db)


@sites_app.command("learn")
def learn(
    inputs: Annotated[list[str], typer.Argument(help="Pages (files, folders, URLs) of one or more sites.")],
    db: DbOption = None,
) -> None:
    """Record the blocks of each page and relearn the template of its site."""
    store = _site_store(db)
    failed = False
    for item in expand_inputs(inputs):
        try:
            article, body = extract_with_body(load_page(item))
        except NewsdeskError as exc:
            failed = True
            console.print(f"error: {item}: {exc.reason}", highlight=False, markup=False)
            continue
        record = store.add_site_page(article.domain, list(body.fingerprints()))
        template = learn_template(article.domain, record.page_prints)
        store.save_site_blocks(article.domain, sorted(template.blocks))
        out.print(f"{article.domain}: {record.pages_seen} pages, {len(template.blocks)} template blocks", markup=False)
    if failed:
        raise typer.Exit(1)


@sites_app.command("show")
def show(domain: Annotated[str, typer.Argument(help="The site, e.g. example.com.")], db: DbOption = None) -> None:
    """Print what newsdesk learned about a site's template."""
    record = _site_store(db).site_record(domain.removeprefix("www."))
    if record is None:
        out.print(f"{domain}: no pages seen yet", markup=False)
        return
    out.print(f"{record.domain}: {record.pages_seen} pages seen, {len(record.blocks)} blocks stripped", markup=False)
    for block in record.blocks[:40]:
        out.print(f"  - {block[:110]}", markup=False, highlight=False)
