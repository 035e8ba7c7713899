"""The parts of `aerp spec render` below the page: the spec's Markdown dialect and the page's style sheet.

`aerp.spec_html.render_spec` is the entry point; these modules are split from it so that what
AERP adds to CommonMark (`markdown`) can be read apart from how the page is laid out.
"""
