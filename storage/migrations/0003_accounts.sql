-- Schema 3: local accounts and the accommodation profiles of candidates
-- (docs/accounts.md, docs/accommodations.md). Runs in one transaction with
-- PRAGMA user_version = 3.

-- A local user. The password is kept as its bcrypt hash only; the failed
-- logins in a row and the time of the last one are stored so that the
-- slowdown survives a restart.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    login         TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (login <> ''),
    name          TEXT NOT NULL CHECK (name <> ''),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'jury', 'referent')),
    password_hash TEXT NOT NULL CHECK (password_hash <> ''),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created       TEXT NOT NULL,
    last_login    TEXT NOT NULL DEFAULT '',
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    last_failure  TEXT NOT NULL DEFAULT ''
) STRICT;

-- The functional accommodations of a candidate, as the accessibility
-- referent records them: JSON of everything but the justification
-- (profileRecord in storage/accommodations.go).
CREATE TABLE accommodation_profiles (
    candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    profile      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    updated_by   TEXT NOT NULL
) STRICT;

-- The medical justification, apart: only the referent's reads select from
-- this table; nothing else ever joins it.
CREATE TABLE accommodation_justifications (
    candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    text         TEXT NOT NULL CHECK (text <> '')
) STRICT;

-- The accommodations applied to a registration: JSON of the profile
-- without its justification, NULL when the candidate has none. The lock
-- triggers of schema 2 refuse any UPDATE of a signed session's rows, this
-- column included: once the PV is signed, it is the record of what applied.
ALTER TABLE session_candidates ADD COLUMN accommodations TEXT;
