"""The write form over every template, the synthetic future one included (`template_id`)."""

from __future__ import annotations

import random

from nianbao.synth.generate import consistent_cells
from nianbao.templates import Role, get_template


def test_the_write_form_of_every_template_checks_clean_data(make_client, world, template_id):
    tpl = get_template(template_id)
    year = tpl.first_year + 1 if tpl.last_year is None else tpl.first_year
    c = make_client("writer_cz")
    form = c.get(f"/write?year={year}").text
    assert all(f'name="cell:{k}"' in form for k in tpl.cell_keys)
    assert all(c.label.official in form for c in tpl.applicants)
    cells = consistent_cells(template_id, random.Random(2))
    fields = {f"cell:{k}": str(v) for k, v in cells.items()}
    fields |= {
        "year": str(year),
        "section:overview": "本机关认真贯彻落实条例。",
        "section:other": "本年度未收取信息处理费。",
    }
    page = c.post_form("/write/check", fields).text
    assert 'data-error=""' in page, page  # no cell is flagged with an error
    # one applicant column broken: the form says which row no longer adds up
    key = tpl.role_key(Role.RECEIVED, tpl.applicants[2].key)
    broken = {**fields, f"cell:{key}": str(cells[key] + 4)}
    page = c.post_form("/write/check", broken).text
    assert "表三行总计" in page and key in page.split('data-error="')[1].split('"')[0]
