-- An account's lock holds only against the client addresses that failed on it (LoginThrottle), so that one client's
-- failures never refuse another client's right password: a failure of a user name names its address, and so does
-- each lock of a user name (one row per address). ADDRESS rows keep '' there.
ALTER TABLE login_failures ADD COLUMN address VARCHAR(255);

ALTER TABLE login_lockouts ADD COLUMN address VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE login_lockouts DROP CONSTRAINT login_lockouts_pkey;
ALTER TABLE login_lockouts ADD PRIMARY KEY (kind, subject, address);
