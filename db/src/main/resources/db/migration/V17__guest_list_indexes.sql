-- The guest list at 50,000 guests (issue 10): every sort the list offers reads one page straight from an index.
-- Ties are broken by the guest's own columns (lower(name), then id: unique), so that index order is the list's order
-- and a keyset cursor (sort value, name, id) can start a page anywhere in it.
DROP INDEX guests_name_idx;
DROP INDEX guests_state_name_idx;
DROP INDEX guests_host_name_idx;
CREATE INDEX guests_name_sort_idx ON guests (lower(name), id);
-- also the state filter with the default (name) sort
CREATE INDEX guests_state_sort_idx ON guests (state, lower(name), id);
-- also the host filter; sorting by host walks hosts_name_sort_idx and, per host, this one
CREATE INDEX guests_host_sort_idx ON guests (host_id, lower(name), id);
CREATE INDEX guests_vcpus_sort_idx ON guests (vcpus, lower(name), id);
CREATE INDEX guests_memory_sort_idx ON guests (memory_mib, lower(name), id);
CREATE INDEX hosts_name_sort_idx ON hosts (lower(name), id);

-- "Name contains" is lower(name) LIKE '%text%': a trigram index answers it without reading every row. pg_trgm ships
-- with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX guests_name_trgm_idx ON guests USING gin (lower(name) gin_trgm_ops);
-- the same search box finds a guest by its UUID
CREATE INDEX guests_uuid_idx ON guests (uuid);
