"""crispy-forms-gds layout pieces shared by the site's forms (search, home, coverage)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size


def small_select(name):
    """A GOV.UK select with a small bold label, like the text fields beside it.

    crispy-forms-gds's ``Field.select(..., legend_size=...)`` sizes a legend, which a select
    does not have, so its label stayed regular weight.
    """
    return Field(name, context={"label_size": Size.for_label(Size.SMALL)})


def get_form_helper(*fields):
    """The helper of a GET form whose ``<form>`` tag the template writes: search, home, coverage.

    GET matters beyond the method: crispy-forms-gds puts a CSRF token in a POST form, and the token
    sets a cookie on pages that must set none.
    """
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper
