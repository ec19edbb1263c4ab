from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from ..forms import LanguageForm


@login_required
def account_language(request):
    """A staff member chooses the language of their own pages (blank: the browser's)."""
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        staff = form.save()
        # This response already speaks the new language; the middleware applies it from the next request on.
        translation.activate(staff.language or translation.get_language_from_request(request))
        messages.success(request, _("Your language is saved."))
        return redirect("account_language")
    return render(request, "patients/account_language.html", {"form": form})
