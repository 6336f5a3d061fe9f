-- The guest list's kind filter (issue 25): a container is a domain whose OS type is libvirt's 'exe'. Containers are
-- few beside virtual machines, so a partial index finds them in name order; "virtual machines only" is most rows and
-- walks the name index (V1) as the unfiltered list does.
CREATE INDEX guests_containers_name_idx ON guests (lower(name)) WHERE os_type = 'exe';
