"""crispy-forms-gds layout pieces shared by the site's forms (search, home, coverage)."""

from crispy_forms_gds.layout import Field, Size


def small_select(name):
    """A GOV.UK select with a small bold label, like the text fields beside it.

    crispy-forms-gds's ``Field.select(..., legend_size=...)`` sizes a legend, which a select
    does not have, so its label stayed regular weight.
    """
    return Field(name, context={"label_size": Size.for_label(Size.SMALL)})
