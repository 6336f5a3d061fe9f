-- The serial console (issue 22): a ticket says which console it opens (vnc or serial) and whether it takes a serial
-- console from whoever holds it (force: ADMIN and OPERATOR); an open session says which console it is, so that a
-- second opener is told who holds a guest's serial console and since when.
ALTER TABLE console_tickets ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'vnc';
ALTER TABLE console_tickets ADD COLUMN force BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE console_sessions ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'vnc';
