"""Who may do what with screening's records (always within their wilayah)."""

# Who records (integrators ingest through the same door), who corrects and registers a
# household data collection, who may read person-level records (always audited).
RECORDERS = ("kader", "bidan", "perawat", "puskesmas_admin", "integrator")
CORRECTORS = ("kader", "bidan", "perawat", "puskesmas_admin")
CARERS = ("kader", "bidan", "perawat", "puskesmas_admin", "dinkes_admin")
# Who makes two records of one person one (a data steward's correction of many screenings)
MERGERS = ("bidan", "perawat", "puskesmas_admin", "dinkes_admin")
