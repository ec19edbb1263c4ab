"""Bulk export of a whole clinic as NDJSON, one file per resource type (the FHIR Bulk Data layout).

Patients are read in chunks by primary key (keyset pagination), each chunk's records in a fixed number of
queries (``records.load_records``), and every resource is written as soon as it is built: memory holds one
chunk, the staff seen so far and the ids of the shared resources already written, whatever the clinic's
size. Shared resources (the clinic, programs, staff, questionnaires) are written once, before the first
resource that refers to them needs them.
"""

import json
from collections import Counter
from pathlib import Path

from patients.models import Patient

from .bundle import RESOURCE_TYPES, SharedResources, patient_resources
from .records import Catalog, load_records

DEFAULT_CHUNK_SIZE = 500


def clinic_patient_chunks(clinic, chunk_size=DEFAULT_CHUNK_SIZE):
    """The clinic's patients, ``chunk_size`` at a time, in primary-key order (one query per chunk)."""
    last = 0
    while True:
        chunk = list(Patient.objects.filter(clinic=clinic, pk__gt=last).select_related("clinic")
                     .order_by("pk")[:chunk_size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


class NdjsonWriter:
    """One ``<ResourceType>.ndjson`` file per type, opened when its first resource comes."""

    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.files = {}
        self.counts = Counter()

    def write(self, resource):
        resource_type = resource.get_resource_type()
        handle = self.files.get(resource_type)
        if handle is None:
            handle = self.files[resource_type] = open(self.out_dir / f"{resource_type}.ndjson", "w",
                                                      encoding="utf-8")
        handle.write(json.dumps(resource.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")))
        handle.write("\n")
        self.counts[resource_type] += 1

    def close(self):
        for handle in self.files.values():
            handle.close()


def export_clinic(clinic, out_dir, *, chunk_size=DEFAULT_CHUNK_SIZE, progress=None, today=None):
    """Write every patient of ``clinic`` as NDJSON under ``out_dir``; returns the count per resource type.

    ``progress`` (e.g. a tqdm bar) is told ``update(n)`` after each chunk. Files of types with no resource
    are not written; a type's file from an earlier export in the same folder is removed so the folder
    always holds one export.
    """
    writer = NdjsonWriter(out_dir)
    for resource_type in RESOURCE_TYPES:
        (writer.out_dir / f"{resource_type}.ndjson").unlink(missing_ok=True)
    catalog, shared = Catalog(), SharedResources()
    try:
        for chunk in clinic_patient_chunks(clinic, chunk_size):
            records, catalog = load_records(chunk, catalog)
            for record in records:
                for resource in shared.for_record(record, catalog.staff):
                    writer.write(resource)
                for resource in patient_resources(record, catalog, today):
                    writer.write(resource)
            if progress is not None:
                progress.update(len(chunk))
    finally:
        writer.close()
    return dict(writer.counts)
