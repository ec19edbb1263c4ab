from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """ModelBackend that loads the staff member's clinic and roles with the user.

    The roles are needed on nearly every page, so fetching them once per request
    here keeps each page's query count fixed.
    """

    def get_user(self, user_id):
        # One row by its key: unordered (``.first()`` would add the staff list's ordering to every request's query).
        user = next(iter(self.user_model_queryset().filter(pk=user_id).order_by()[:1]), None)
        return user if user and self.user_can_authenticate(user) else None

    def user_model_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.with_roles()
