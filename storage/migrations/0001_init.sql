-- Schema 1: candidates, the CCPs they already hold, and the audit log.
-- Runs in one transaction together with PRAGMA user_version = 1.

-- 0x414D4953, "AMIS": marks the file as an AMIS Jury database.
PRAGMA application_id = 1095584083;

-- AUTOINCREMENT: an ID is never reused, so audit entries keep pointing at
-- one person even after a deletion.
CREATE TABLE candidates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    number          TEXT UNIQUE CHECK (number IS NULL OR number <> ''),
    birth_name      TEXT NOT NULL CHECK (birth_name <> ''),
    usage_name      TEXT NOT NULL DEFAULT '',
    first_names     TEXT NOT NULL CHECK (first_names <> ''),
    sex             TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    birth_date      TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    birth_city      TEXT NOT NULL,
    birth_country   TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    access_route    TEXT NOT NULL,
    training_centre TEXT NOT NULL DEFAULT '',
    sst_date        TEXT NOT NULL DEFAULT '' CHECK (sst_date = '' OR sst_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    -- exam.Candidate.DuplicateKey(): not UNIQUE, so that a later version may
    -- let an administrator confirm two homonyms born on the same day.
    dup_key         TEXT NOT NULL,
    -- exam.Fold of everything the search box matches, words separated by spaces.
    search          TEXT NOT NULL,
    -- exam.Fold(birth name) U+001F exam.Fold(first names); lists order by (sort_key, id).
    sort_key        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX candidates_dup_key ON candidates (dup_key);
CREATE INDEX candidates_sort_key ON candidates (sort_key);

CREATE TABLE acquired_blocks (
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    block_code   TEXT NOT NULL CHECK (block_code <> ''),
    acquired_on  TEXT NOT NULL CHECK (acquired_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    session_ref  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (candidate_id, block_code)
) STRICT, WITHOUT ROWID;

-- Append-only, hash-chained log of every write (see docs/storage.md).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL,
    old_json   TEXT NOT NULL,
    new_json   TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The hash chain detects tampering; these triggers stop accidents.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
