-- Schema 2: sessions (certification and mock exams), their candidates and
-- jury, what happens during them (timers, grids, decisions, incidents), the
-- confirmed results, the signatures of the procès-verbal and the corrections
-- made after it. Runs in one transaction with PRAGMA user_version = 2.
--
-- Times are RFC 3339 UTC text with nanoseconds, '' when not set; dates ISO
-- text; durations integer nanoseconds (exam's time.Duration).
-- The lock (docs/lock.md): once sessions.signed_at is set, the triggers at
-- the end of this file refuse every change to the session and its rows,
-- except the decisions and results an amendment changes while
-- sessions.amending = 1 inside its own transaction.

CREATE TABLE sessions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                TEXT NOT NULL CHECK (kind IN ('certification', 'mock')),
    scope               TEXT NOT NULL CHECK (scope IN ('full_title', 'ccp')),
    reference           TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    end_date            TEXT NOT NULL DEFAULT '' CHECK (end_date = '' OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    place               TEXT NOT NULL,
    training_centre     TEXT NOT NULL,
    referentiel         TEXT NOT NULL,
    referentiel_version TEXT NOT NULL,
    day_start           INTEGER NOT NULL DEFAULT 0, -- minutes after midnight
    day_end             INTEGER NOT NULL DEFAULT 0, -- 0: no end of day
    changeover_ns       INTEGER NOT NULL DEFAULT 0,
    started_at          TEXT NOT NULL DEFAULT '',
    signed_at           TEXT NOT NULL DEFAULT '',   -- set: the PV is signed, the session locked
    amending            INTEGER NOT NULL DEFAULT 0 CHECK (amending IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_start_date ON sessions (start_date);

-- A candidate registered in a session. Deleting a registered candidate is
-- refused (no CASCADE): the session's records point at them.
CREATE TABLE session_candidates (
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    position     INTEGER NOT NULL,              -- registration order
    employer     TEXT NOT NULL DEFAULT '',
    blocks       TEXT NOT NULL DEFAULT '[]',    -- JSON array of RNCP block codes
    absent       INTEGER NOT NULL DEFAULT 0 CHECK (absent IN (0, 1)),
    allowance    TEXT NOT NULL DEFAULT '{}',    -- JSON, see allowanceRecord
    jury         TEXT NOT NULL DEFAULT '',      -- sub-jury (panel) label
    PRIMARY KEY (session_id, candidate_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX session_candidates_candidate ON session_candidates (candidate_id);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL CHECK (name <> ''),
    organisation TEXT NOT NULL DEFAULT '',
    habilitation TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL CHECK (role IN ('president', 'member')),
    external     INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0, 1)),
    secret_hash  TEXT NOT NULL DEFAULT ''       -- bcrypt of the signing PIN; '' until set
) STRICT;

CREATE INDEX members_session ON members (session_id);

-- Member.TrainerOf (kind 'trainer') and Member.ConflictWith ('declared').
CREATE TABLE member_conflicts (
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('trainer', 'declared')),
    PRIMARY KEY (member_id, candidate_id, kind)
) STRICT, WITHOUT ROWID;

-- The clock of one candidate's épreuve, as its events (docs/time-rules.md).
CREATE TABLE timer_events (
    session_id   INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    trial        TEXT NOT NULL,
    seq          INTEGER NOT NULL,              -- 1, 2, 3… per (session, candidate, trial)
    kind         TEXT NOT NULL CHECK (kind IN ('start', 'pause', 'resume', 'end', 'extra')),
    at           TEXT NOT NULL,
    extra_ns     INTEGER NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, candidate_id, trial, seq),
    FOREIGN KEY (session_id, candidate_id) REFERENCES session_candidates (session_id, candidate_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- One grid per member (member_id 0: the jury's collegial grid), candidate
-- and block.
CREATE TABLE grids (
    session_id   INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    block        TEXT NOT NULL,
    member_id    INTEGER NOT NULL,
    assessments  TEXT NOT NULL,                 -- JSON array of {competence, verdict, observation}
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (session_id, candidate_id, block, member_id),
    FOREIGN KEY (session_id, candidate_id) REFERENCES session_candidates (session_id, candidate_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE decisions (
    session_id   INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    block        TEXT NOT NULL,
    proposed     TEXT NOT NULL CHECK (proposed IN ('', 'acquired', 'not_acquired')),
    outcome      TEXT NOT NULL CHECK (outcome IN ('acquired', 'not_acquired')),
    reason       TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL,
    PRIMARY KEY (session_id, candidate_id, block),
    FOREIGN KEY (session_id, candidate_id) REFERENCES session_candidates (session_id, candidate_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The overall result the jury confirmed; it must follow from the decisions.
CREATE TABLE results (
    session_id   INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    proposed     TEXT NOT NULL,
    result       TEXT NOT NULL CHECK (result IN ('title', 'partial', 'not_obtained', 'absent')),
    acquired     TEXT NOT NULL DEFAULT '[]',    -- JSON array of RNCP block codes acquired here
    notes        TEXT NOT NULL DEFAULT '',      -- entretien final
    confirmed_at TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    PRIMARY KEY (session_id, candidate_id),
    FOREIGN KEY (session_id, candidate_id) REFERENCES session_candidates (session_id, candidate_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    candidate_id INTEGER REFERENCES candidates (id), -- NULL: the session as a whole
    trial        TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('late', 'fraud', 'technical', 'left', 'other')),
    at           TEXT NOT NULL,
    text         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
) STRICT;

CREATE INDEX incidents_session ON incidents (session_id, at);

CREATE TABLE signatures (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,                   -- the member's name when signing
    signed_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, member_id)
) STRICT, WITHOUT ROWID;

-- Corrections after the signature: append-only.
CREATE TABLE amendments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    by         TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason <> ''),
    what       TEXT NOT NULL
) STRICT;

CREATE INDEX amendments_session ON amendments (session_id);

-- ---------------------------------------------------------------------------
-- The lock. The services check it first and return ELOCKED; these triggers
-- catch whatever slips past them (a bug, another program). Their message
-- 'locked' is mapped to ELOCKED as well.

-- The session row: once signed, only the amending flag may change, and the
-- row may not be deleted. A column added by a later migration must be added
-- to this list (drop and recreate the trigger).
CREATE TRIGGER sessions_locked_update BEFORE UPDATE ON sessions
WHEN OLD.signed_at <> '' AND (
    NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.scope IS NOT OLD.scope
    OR NEW.reference IS NOT OLD.reference OR NEW.start_date IS NOT OLD.start_date
    OR NEW.end_date IS NOT OLD.end_date OR NEW.place IS NOT OLD.place
    OR NEW.training_centre IS NOT OLD.training_centre OR NEW.referentiel IS NOT OLD.referentiel
    OR NEW.referentiel_version IS NOT OLD.referentiel_version OR NEW.day_start IS NOT OLD.day_start
    OR NEW.day_end IS NOT OLD.day_end OR NEW.changeover_ns IS NOT OLD.changeover_ns
    OR NEW.started_at IS NOT OLD.started_at OR NEW.signed_at IS NOT OLD.signed_at
    OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at IS NOT OLD.updated_at)
BEGIN
    SELECT RAISE(ABORT, 'locked');
END;

CREATE TRIGGER sessions_locked_delete BEFORE DELETE ON sessions
WHEN OLD.signed_at <> ''
BEGIN
    SELECT RAISE(ABORT, 'locked');
END;

-- Rows no amendment touches: refused once the session is signed.
CREATE TRIGGER session_candidates_locked_insert BEFORE INSERT ON session_candidates
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER session_candidates_locked_update BEFORE UPDATE ON session_candidates
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER session_candidates_locked_delete BEFORE DELETE ON session_candidates
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER members_locked_insert BEFORE INSERT ON members
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER members_locked_update BEFORE UPDATE ON members
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER members_locked_delete BEFORE DELETE ON members
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER member_conflicts_locked_insert BEFORE INSERT ON member_conflicts
WHEN (SELECT s.signed_at <> '' FROM members m JOIN sessions s ON s.id = m.session_id WHERE m.id = NEW.member_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER member_conflicts_locked_update BEFORE UPDATE ON member_conflicts
WHEN (SELECT max(s.signed_at <> '') FROM members m JOIN sessions s ON s.id = m.session_id WHERE m.id IN (OLD.member_id, NEW.member_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER member_conflicts_locked_delete BEFORE DELETE ON member_conflicts
WHEN (SELECT s.signed_at <> '' FROM members m JOIN sessions s ON s.id = m.session_id WHERE m.id = OLD.member_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER timer_events_locked_insert BEFORE INSERT ON timer_events
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER timer_events_locked_update BEFORE UPDATE ON timer_events
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER timer_events_locked_delete BEFORE DELETE ON timer_events
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER grids_locked_insert BEFORE INSERT ON grids
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER grids_locked_update BEFORE UPDATE ON grids
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER grids_locked_delete BEFORE DELETE ON grids
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER incidents_locked_insert BEFORE INSERT ON incidents
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER incidents_locked_update BEFORE UPDATE ON incidents
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER incidents_locked_delete BEFORE DELETE ON incidents
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER signatures_locked_insert BEFORE INSERT ON signatures
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER signatures_locked_update BEFORE UPDATE ON signatures
WHEN (SELECT max(signed_at <> '') FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER signatures_locked_delete BEFORE DELETE ON signatures
WHEN (SELECT signed_at <> '' FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

-- Rows an amendment changes: refused once signed unless amending = 1.
CREATE TRIGGER decisions_locked_insert BEFORE INSERT ON decisions
WHEN (SELECT signed_at <> '' AND amending = 0 FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER decisions_locked_update BEFORE UPDATE ON decisions
WHEN (SELECT max(signed_at <> '' AND amending = 0) FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER decisions_locked_delete BEFORE DELETE ON decisions
WHEN (SELECT signed_at <> '' AND amending = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

CREATE TRIGGER results_locked_insert BEFORE INSERT ON results
WHEN (SELECT signed_at <> '' AND amending = 0 FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER results_locked_update BEFORE UPDATE ON results
WHEN (SELECT max(signed_at <> '' AND amending = 0) FROM sessions WHERE id IN (OLD.session_id, NEW.session_id))
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER results_locked_delete BEFORE DELETE ON results
WHEN (SELECT signed_at <> '' AND amending = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

-- Amendments: written only by an amendment of a signed session, never
-- changed or removed.
CREATE TRIGGER amendments_insert BEFORE INSERT ON amendments
WHEN (SELECT signed_at = '' OR amending = 0 FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
CREATE TRIGGER amendments_no_update BEFORE UPDATE ON amendments
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
BEGIN SELECT RAISE(ABORT, 'amendments are append-only'); END;
