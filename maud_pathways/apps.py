from django.apps import AppConfig


class MaudPathwaysConfig(AppConfig):
    name = "maud_pathways"
    verbose_name = "MAUD Pathways"
