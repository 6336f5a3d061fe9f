-- Whether a guest has a serial port or console on a pseudo-terminal (libvirt's console stream opens it): its
-- "Open console" is offered only where a console can show something. Learnt again at the next full read of its host.
ALTER TABLE guests ADD COLUMN serial_console BOOLEAN NOT NULL DEFAULT FALSE;
