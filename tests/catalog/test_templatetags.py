from decimal import Decimal

from catalog.models import Source
from catalog.templatetags.catalog_tags import decimal_short, jsonld_script, paragraphs, provenance


def test_provenance_names_one_or_several_documents_once_each():
    library = Source(kind=Source.Kind.LIBRARY_CATALOG, title="t", file="a")
    encyclopedia = Source(kind=Source.Kind.ENCYCLOPEDIA, title="t", file="b")
    blog = Source(kind=Source.Kind.REVIEW_BLOG, title="t", file="c")
    assert provenance(library) == "from the library catalog"
    assert provenance([library, library, encyclopedia]) == (
        "from the library catalog and the encyclopedia article"
    )
    assert provenance([library, encyclopedia, blog]) == (
        "from the library catalog, the encyclopedia article and the review blog"
    )
    assert provenance([]) == "added by the catalog editors"


def test_jsonld_script_escapes_markup_and_keeps_unicode():
    html = jsonld_script({"name": "</script><b>&", "alt": "私を離さないで"})
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("<") == 2  # only the element's own opening and closing tags
    assert "私を離さないで" in html and "\\u003C/script\\u003E" in html


def test_paragraphs_and_short_decimals():
    assert paragraphs("One.\n\nTwo.\n\n\n") == ["One.", "Two."]
    assert decimal_short(Decimal("3.50")) == "3.5" and decimal_short(Decimal("4.00")) == "4"
    assert decimal_short(Decimal("100")) == "100"
