package exam

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// SessionKind tells a certification session from a mock exam.
type SessionKind string

// Session kinds.
const (
	// KindCertification is a session de validation: its results go to the
	// certifier and acquired CCPs are recorded.
	KindCertification SessionKind = "certification"
	// KindMock is an examen blanc run by the training centre with the same
	// grids: it never produces acquired CCPs and never goes to the certifier.
	KindMock SessionKind = "mock"
)

// Valid reports whether k is a known kind.
func (k SessionKind) Valid() bool { return k == KindCertification || k == KindMock }

// Scope is what the candidates of a session aim at.
type Scope string

// Scopes.
const (
	// ScopeFullTitle: each candidate sits every CCP not already acquired,
	// and may obtain the title.
	ScopeFullTitle Scope = "full_title"
	// ScopeCCP: parcours progressif, each candidate sits the CCPs chosen
	// for them; the session awards CCPs, never the title.
	ScopeCCP Scope = "ccp"
)

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s == ScopeFullTitle || s == ScopeCCP }

// JuryRole is a member's role in the jury.
type JuryRole string

// Jury roles.
const (
	JuryPresident JuryRole = "president"
	JuryMember    JuryRole = "member"
)

// Valid reports whether r is a known role.
func (r JuryRole) Valid() bool { return r == JuryPresident || r == JuryMember }

// Member is a jury member of one session.
type Member struct {
	ID           int64
	Name         string
	Organisation string // employer of the member; compared with the candidates' employer and centre
	Habilitation string // habilitation number; required in a certification session
	Role         JuryRole
	External     bool // external to the organising training centre
	// TrainerOf lists the candidates (IDs) the member trained or
	// accompanied: the member may not grade or deliberate on them.
	TrainerOf []int64
	// ConflictWith lists other candidates (IDs) the member declared a
	// conflict of interest with (a relative, the same employer under another
	// name…).
	ConflictWith []int64
}

// Field identifiers of Member errors.
const (
	FieldMemberName         = "name"
	FieldMemberOrganisation = "organisation"
	FieldMemberHabilitation = "habilitation"
	FieldMemberRole         = "role"
)

// Validate checks the member's own fields. Whether a habilitation number is
// required depends on the session (see Session.CheckStart).
func (m *Member) Validate() error {
	var v Validation
	m.validateInto(&v, "")
	return v.Err("jury member")
}

func (m *Member) validateInto(v *Validation, prefix string) {
	text := func(field, val string, required bool, max int) {
		val = strings.TrimSpace(val)
		switch {
		case val == "" && required:
			v.Add(prefix+field, "err.required", "required", nil)
		case utf8.RuneCountInString(val) > max:
			v.Add(prefix+field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": max})
		}
	}
	text(FieldMemberName, m.Name, true, 100)
	text(FieldMemberOrganisation, m.Organisation, false, 200)
	text(FieldMemberHabilitation, m.Habilitation, false, 50)
	if !m.Role.Valid() {
		v.Add(prefix+FieldMemberRole, "err.session.member_role", "president or member is required", nil)
	}
}

// SessionCandidate is a candidate registered in a session.
type SessionCandidate struct {
	// Candidate is the stored candidate; its ID, names, training centre and
	// acquired blocks are used here.
	Candidate Candidate
	// Employer is the candidate's employer at the time of the session
	// (apprenticeship, professionalisation contract…), "" if none.
	Employer string
	// Blocks lists the RNCP codes of the CCPs the candidate sits in this
	// session; DefaultBlocks gives those not already acquired.
	Blocks []string
	// Absent marks a candidate who did not come.
	Absent bool
	// Allowance is the candidate's time accommodation. When the candidate
	// has an accommodation profile, storage fills it from the profile's Time
	// (the profile wins); once the PV is signed it is the record of what
	// was applied.
	Allowance TimeAllowance
	// Accommodations is the candidate's accommodation profile as applied
	// in this session, always redacted (no justification); nil when none.
	// Filled by storage from the profile, never from the caller.
	Accommodations *AccommodationProfile
	// Jury labels the sub-jury (panel) examining the candidate when the jury
	// splits; "" for the whole jury.
	Jury string
}

// DefaultBlocks returns the RNCP codes of the blocks of ref that c has not
// already acquired, in référentiel order: what c sits by default.
func DefaultBlocks(ref *Referentiel, c *Candidate) []string {
	var out []string
	for _, b := range ref.Blocks {
		if !c.HasAcquired(b.Code) {
			out = append(out, b.Code)
		}
	}
	return out
}

// NewSessionCandidate registers c with the blocks it sits by default.
func NewSessionCandidate(ref *Referentiel, c Candidate) SessionCandidate {
	return SessionCandidate{Candidate: c, Blocks: DefaultBlocks(ref, &c)}
}

// Sits reports whether the candidate sits the block (RNCP code) here.
func (sc *SessionCandidate) Sits(code string) bool {
	for _, b := range sc.Blocks {
		if strings.EqualFold(b, code) {
			return true
		}
	}
	return false
}

// Session is a session de validation or a mock exam: where and when, which
// référentiel, its candidates and its jury.
type Session struct {
	ID    int64
	Kind  SessionKind
	Scope Scope
	// Reference is the session number given by the certifier, if any.
	Reference          string
	StartDate, EndDate Date // EndDate zero: a one-day session
	Place              string
	TrainingCentre     string // the organising centre
	Referentiel        string // RNCP code of the référentiel, e.g. RNCP37722
	ReferentielVersion string
	// DayStart and DayEnd are the working hours of each day; a DayEnd of 0
	// means no end of day is checked.
	DayStart, DayEnd TimeOfDay
	// Changeover is the time between two épreuves of the same candidate in
	// the schedule.
	Changeover time.Duration
	Candidates []SessionCandidate
	Jury       []Member
	// StartedAt is set when the session starts (see CheckStart); SignedAt
	// when the procès-verbal is signed, which locks the results.
	StartedAt time.Time
	SignedAt  time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Field identifiers of Session errors; errors on a candidate or member are
// prefixed "candidates[i]." or "jury[i].".
const (
	FieldSessionKind        = "kind"
	FieldSessionScope       = "scope"
	FieldSessionReference   = "reference"
	FieldSessionStart       = "start_date"
	FieldSessionEnd         = "end_date"
	FieldSessionPlace       = "place"
	FieldSessionCentre      = "training_centre"
	FieldSessionReferentiel = "referentiel"
	FieldSessionVersion     = "referentiel_version"
	FieldSessionDayHours    = "day_hours"
	FieldSessionChangeover  = "changeover"
	FieldSessionCandidates  = "candidates"
	FieldSessionJury        = "jury"
	FieldSessionBlocks      = "blocks"
	FieldSessionEmployer    = "employer"
	FieldSessionAllowance   = "allowance"
)

// MinDeliberators is how many jury members able to deliberate each candidate
// of a certification session needs.
const MinDeliberators = 2

// Locked reports whether the procès-verbal is signed: the results may no
// longer change but through an explicit, logged correction.
func (s *Session) Locked() bool { return !s.SignedAt.IsZero() }

// Binding reports whether conflicts of interest bar members: true in a
// certification session. In a mock exam the centre's own trainers are the
// usual jury, so conflicts are shown but bar nobody.
func (s *Session) Binding() bool { return s.Kind == KindCertification }

// Candidate returns the registered candidate with the given ID, or nil.
func (s *Session) Candidate(id int64) *SessionCandidate {
	for i := range s.Candidates {
		if s.Candidates[i].Candidate.ID == id {
			return &s.Candidates[i]
		}
	}
	return nil
}

// Member returns the jury member with the given ID, or nil.
func (s *Session) Member(id int64) *Member {
	for i := range s.Jury {
		if s.Jury[i].ID == id {
			return &s.Jury[i]
		}
	}
	return nil
}

// Validate checks the session's structure: fields, dates, no candidate or
// member twice, at most one president, the candidates' blocks and
// allowances. What the session needs before it starts (a complete jury, no
// conflict left uncovered) is checked by CheckStart; blocks against the
// référentiel by CheckReferentiel.
func (s *Session) Validate() error {
	var v Validation
	if !s.Kind.Valid() {
		v.Add(FieldSessionKind, "err.session.kind", "certification or mock exam is required", nil)
	}
	if !s.Scope.Valid() {
		v.Add(FieldSessionScope, "err.session.scope", "full title or CCP only is required", nil)
	}
	text := func(field, val string, required bool, max int) {
		val = strings.TrimSpace(val)
		switch {
		case val == "" && required:
			v.Add(field, "err.required", "required", nil)
		case utf8.RuneCountInString(val) > max:
			v.Add(field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": max})
		}
	}
	text(FieldSessionReference, s.Reference, false, 50)
	text(FieldSessionPlace, s.Place, true, 200)
	text(FieldSessionCentre, s.TrainingCentre, true, 200)
	text(FieldSessionReferentiel, s.Referentiel, true, 50)
	text(FieldSessionVersion, s.ReferentielVersion, true, 50)
	switch {
	case s.StartDate.IsZero():
		v.Add(FieldSessionStart, "err.required", "required", nil)
	case !s.StartDate.Valid():
		v.Add(FieldSessionStart, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": s.StartDate.String()})
	}
	switch {
	case s.EndDate.IsZero():
	case !s.EndDate.Valid():
		v.Add(FieldSessionEnd, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": s.EndDate.String()})
	case s.StartDate.Valid() && s.EndDate.Before(s.StartDate):
		v.Add(FieldSessionEnd, "err.session.end_before_start", "the session ends before it starts", nil)
	}
	switch {
	case !s.DayStart.Valid() || !s.DayEnd.Valid():
		v.Add(FieldSessionDayHours, "err.session.time_of_day", "a time of day between 00:00 and 23:59 is required", nil)
	case s.DayEnd != 0 && s.DayEnd <= s.DayStart:
		v.Add(FieldSessionDayHours, "err.session.day_hours", "the day ends ({{.End}}) before it starts ({{.Start}})", map[string]any{"Start": s.DayStart.String(), "End": s.DayEnd.String()})
	}
	if s.Changeover < 0 || s.Changeover > 4*time.Hour {
		v.Add(FieldSessionChangeover, "err.session.changeover", "the time between two épreuves is between 0 and 4 h", nil)
	}
	seen := map[int64]bool{}
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		f := fmt.Sprintf("%s[%d].", FieldSessionCandidates, i)
		id := sc.Candidate.ID
		switch {
		case id == 0:
			v.Add(f+"candidate", "err.session.candidate_id", "a registered candidate must be stored first", nil)
		case seen[id]:
			v.Add(f+"candidate", "err.session.candidate_duplicate", "{{.Candidate}} is registered twice", map[string]any{"Candidate": sc.Candidate.DisplayName()})
		}
		seen[id] = true
		blocks := map[string]bool{}
		for _, b := range sc.Blocks {
			k := strings.ToUpper(strings.TrimSpace(b))
			if blocks[k] {
				v.Add(f+FieldSessionBlocks, "err.session.block_duplicate", "{{.Block}} is listed twice", map[string]any{"Block": b})
			}
			blocks[k] = true
		}
		if s.Scope == ScopeCCP && len(sc.Blocks) == 0 {
			v.Add(f+FieldSessionBlocks, "err.session.no_blocks", "{{.Candidate}}: choose at least one CCP", map[string]any{"Candidate": sc.Candidate.DisplayName()})
		}
		if utf8.RuneCountInString(sc.Employer) > 200 {
			v.Add(f+FieldSessionEmployer, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 200})
		}
		sc.Allowance.validateInto(&v, f+FieldSessionAllowance+".")
	}
	presidents := 0
	members := map[int64]bool{}
	for i := range s.Jury {
		m := &s.Jury[i]
		f := fmt.Sprintf("%s[%d].", FieldSessionJury, i)
		m.validateInto(&v, f)
		if m.ID != 0 && members[m.ID] {
			v.Add(f+FieldMemberName, "err.session.member_duplicate", "{{.Name}} is in the jury twice", map[string]any{"Name": m.Name})
		}
		members[m.ID] = true
		if m.Role == JuryPresident {
			presidents++
			if presidents == 2 {
				v.Add(f+FieldMemberRole, "err.session.president_many", "the jury has one president only", nil)
			}
		}
	}
	return v.Err("session")
}

// CheckReferentiel checks the session against its référentiel: the same
// code, known blocks (short codes such as CCP1 are replaced by the RNCP code),
// no block already acquired, every block not acquired for a full-title
// candidate, known épreuves in the allowances.
func (s *Session) CheckReferentiel(ref *Referentiel) error {
	var v Validation
	if s.Referentiel != "" && !strings.EqualFold(s.Referentiel, ref.Code) {
		v.Add(FieldSessionReferentiel, "err.session.referentiel_mismatch", "the session uses {{.Session}}, not {{.Referentiel}}", map[string]any{"Session": s.Referentiel, "Referentiel": ref.Code})
	}
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		f := fmt.Sprintf("%s[%d].", FieldSessionCandidates, i)
		name := sc.Candidate.DisplayName()
		for j, code := range sc.Blocks {
			b := ref.Block(strings.TrimSpace(code))
			switch {
			case b == nil:
				v.Add(f+FieldSessionBlocks, "err.session.block_unknown", "unknown CCP “{{.Block}}”", map[string]any{"Block": code})
				continue
			case sc.Candidate.HasAcquired(b.Code):
				v.Add(f+FieldSessionBlocks, "err.session.block_acquired", "{{.Candidate}}: {{.Block}} is already acquired", map[string]any{"Candidate": name, "Block": b.Short})
			}
			sc.Blocks[j] = b.Code
		}
		if s.Scope == ScopeFullTitle {
			for _, b := range ref.Blocks {
				if !sc.Candidate.HasAcquired(b.Code) && !sc.Sits(b.Code) {
					v.Add(f+FieldSessionBlocks, "err.session.block_missing", "{{.Candidate}}: {{.Block}} is neither acquired nor sat", map[string]any{"Candidate": name, "Block": b.Short})
				}
			}
		}
		sc.Allowance.checkTrialsInto(&v, f+FieldSessionAllowance+".", ref)
	}
	return v.Err("session")
}

// ConflictKind is why a member may not examine a candidate.
type ConflictKind string

// Conflicts of interest.
const (
	ConflictTrainer  ConflictKind = "trainer"         // trained or accompanied the candidate
	ConflictEmployer ConflictKind = "employer"        // works for the candidate's employer
	ConflictCentre   ConflictKind = "training_centre" // works for the candidate's training centre
	ConflictDeclared ConflictKind = "declared"        // declared by the member
)

// Key is the translation key of the kind's label.
func (k ConflictKind) Key() string { return "session.conflict." + string(k) }

// Label is the English label of the kind.
func (k ConflictKind) Label() string {
	switch k {
	case ConflictTrainer:
		return "trained or accompanied the candidate"
	case ConflictEmployer:
		return "from the candidate's employer"
	case ConflictCentre:
		return "from the candidate's training centre"
	case ConflictDeclared:
		return "declared a conflict of interest"
	}
	return string(k)
}

// Conflict is one conflict of interest between a member and a candidate.
type Conflict struct {
	MemberID    int64
	Member      string
	CandidateID int64
	Candidate   string
	Kind        ConflictKind
}

// ConflictsBetween lists the conflicts of interest of m towards sc: marked as
// the candidate's trainer, declared, or an organisation equal (without case,
// accents or punctuation, see Fold) to the candidate's employer or training
// centre.
func ConflictsBetween(m *Member, sc *SessionCandidate) []Conflict {
	id := sc.Candidate.ID
	var out []Conflict
	add := func(k ConflictKind) {
		out = append(out, Conflict{MemberID: m.ID, Member: m.Name, CandidateID: id, Candidate: sc.Candidate.DisplayName(), Kind: k})
	}
	has := func(ids []int64) bool {
		for _, x := range ids {
			if x == id && id != 0 {
				return true
			}
		}
		return false
	}
	if has(m.TrainerOf) {
		add(ConflictTrainer)
	}
	org := Fold(m.Organisation)
	if org != "" && org == Fold(sc.Employer) {
		add(ConflictEmployer)
	}
	if org != "" && org == Fold(sc.Candidate.TrainingCentre) {
		add(ConflictCentre)
	}
	if has(m.ConflictWith) {
		add(ConflictDeclared)
	}
	return out
}

// Conflicts lists every conflict of interest of the session, by candidate
// then member, in registration order.
func (s *Session) Conflicts() []Conflict {
	var out []Conflict
	for i := range s.Candidates {
		for j := range s.Jury {
			out = append(out, ConflictsBetween(&s.Jury[j], &s.Candidates[i])...)
		}
	}
	return out
}

// CanGrade reports whether the member may fill in an evaluation grid for the
// candidate: a member of the jury with no conflict of interest towards them
// (in a mock exam, any member of the jury).
//
// The domain bars a trainer from evaluating and a member of the employer or
// training body from deliberating; the jury-mode issue bars every conflict
// from both, which is what CanGrade and CanDeliberate do.
func (s *Session) CanGrade(memberID, candidateID int64) bool {
	m, sc := s.Member(memberID), s.Candidate(candidateID)
	if m == nil || sc == nil {
		return false
	}
	return !s.Binding() || len(ConflictsBetween(m, sc)) == 0
}

// CanDeliberate reports whether the member may take part in the deliberation
// on the candidate; the same rule as CanGrade.
func (s *Session) CanDeliberate(memberID, candidateID int64) bool {
	return s.CanGrade(memberID, candidateID)
}

// JuryShortage says, for one candidate, why fewer than MinDeliberators
// members can deliberate.
type JuryShortage struct {
	CandidateID int64
	Candidate   string
	Able        []string   // names of the members who can deliberate
	Missing     int        // how many more are needed
	Excluded    []Conflict // the members barred, and why
}

// JuryShortages lists the present candidates of a certification session
// with fewer than MinDeliberators members able to deliberate on them; nil for
// a mock exam.
func (s *Session) JuryShortages() []JuryShortage {
	if !s.Binding() {
		return nil
	}
	var out []JuryShortage
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		if sc.Absent {
			continue
		}
		js := JuryShortage{CandidateID: sc.Candidate.ID, Candidate: sc.Candidate.DisplayName()}
		for j := range s.Jury {
			cs := ConflictsBetween(&s.Jury[j], sc)
			if len(cs) == 0 {
				js.Able = append(js.Able, s.Jury[j].Name)
			}
			js.Excluded = append(js.Excluded, cs...)
		}
		if len(js.Able) < MinDeliberators {
			js.Missing = MinDeliberators - len(js.Able)
			out = append(out, js)
		}
	}
	return out
}

// CheckStart reports what keeps the session from starting, as an EINVALID
// error (key err.session.not_ready) whose field errors say who is missing:
// at least one candidate; for a certification session a president, at least
// MinDeliberators members, each with a habilitation number, and for every
// present candidate MinDeliberators members free of conflicts of interest;
// for a mock exam at least one member. It does not repeat Validate.
func (s *Session) CheckStart() error {
	var v Validation
	if len(s.Candidates) == 0 {
		v.Add(FieldSessionCandidates, "err.session.no_candidates", "the session has no candidate", nil)
	}
	need := 1
	if s.Binding() {
		need = MinDeliberators
	}
	if len(s.Jury) < need {
		v.Add(FieldSessionJury, "err.session.jury_size", "the jury needs at least {{.Min}} members", map[string]any{"Min": need})
	}
	if s.Binding() {
		president := false
		for i, m := range s.Jury {
			president = president || m.Role == JuryPresident
			if strings.TrimSpace(m.Habilitation) == "" {
				v.Add(fmt.Sprintf("%s[%d].%s", FieldSessionJury, i, FieldMemberHabilitation), "err.session.habilitation", "{{.Name}}: the habilitation number is required", map[string]any{"Name": m.Name})
			}
		}
		if !president {
			v.Add(FieldSessionJury, "err.session.president_missing", "the jury has no president", nil)
		}
		for _, js := range s.JuryShortages() {
			i := s.candidateIndex(js.CandidateID)
			v.Add(fmt.Sprintf("%s[%d]", FieldSessionCandidates, i), "err.session.jury_short",
				"{{.Candidate}}: {{.Able}} jury member(s) may deliberate, {{.Missing}} more needed",
				map[string]any{"Candidate": js.Candidate, "Able": len(js.Able), "Missing": js.Missing})
		}
	}
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "err.session.not_ready", Message: "the session cannot start", Fields: v.Fields}
}

func (s *Session) candidateIndex(id int64) int {
	for i := range s.Candidates {
		if s.Candidates[i].Candidate.ID == id {
			return i
		}
	}
	return -1
}

// CheckGrid checks that g may be recorded in the session: not locked, the
// candidate registered and present, the block sat here (not already
// acquired), its competences those of the block, and the member in the jury
// and free of conflicts towards the candidate (EFORBIDDEN otherwise). A grid
// with MemberID 0 is the jury's collegial grid.
func (s *Session) CheckGrid(ref *Referentiel, g *Grid) error {
	if s.Locked() {
		return ErrLocked
	}
	sc, b, err := s.examined(ref, g.CandidateID, g.Block)
	if err != nil {
		return err
	}
	if g.MemberID != 0 {
		m := s.Member(g.MemberID)
		if m == nil {
			return Errorf(EINVALID, "err.grade.member_unknown", "not a member of this jury", nil)
		}
		if s.Binding() {
			if cs := ConflictsBetween(m, sc); len(cs) > 0 {
				return Errorf(EFORBIDDEN, "err.grade.conflict", "{{.Member}} may not grade {{.Candidate}}: conflict of interest", map[string]any{"Member": m.Name, "Candidate": sc.Candidate.DisplayName(), "Kind": string(cs[0].Kind)})
			}
		}
	}
	for _, a := range g.Assessments {
		if !blockHasCompetence(b, a.Competence) {
			return Errorf(EINVALID, "err.grade.competence", "competence {{.Competence}} is not part of {{.Block}}", map[string]any{"Competence": a.Competence, "Block": b.Short})
		}
	}
	return nil
}

// CheckDecision checks that d may be recorded: not locked, the candidate
// registered and present, the block sat here, and d itself valid.
func (s *Session) CheckDecision(ref *Referentiel, d *BlockDecision) error {
	if s.Locked() {
		return ErrLocked
	}
	if _, _, err := s.examined(ref, d.CandidateID, d.Block); err != nil {
		return err
	}
	return d.Validate()
}

// examined finds the candidate and the block they sit here.
func (s *Session) examined(ref *Referentiel, candidateID int64, block string) (*SessionCandidate, *Block, error) {
	sc := s.Candidate(candidateID)
	if sc == nil {
		return nil, nil, Errorf(ENOTFOUND, "err.session.candidate_unknown", "the candidate is not registered in this session", nil)
	}
	if sc.Absent {
		return nil, nil, Errorf(EINVALID, "err.session.absent", "{{.Candidate}} is marked absent", map[string]any{"Candidate": sc.Candidate.DisplayName()})
	}
	b := ref.Block(block)
	switch {
	case b == nil:
		return nil, nil, Errorf(EINVALID, "err.session.block_unknown", "unknown CCP “{{.Block}}”", map[string]any{"Block": block})
	case sc.Candidate.HasAcquired(b.Code):
		return nil, nil, Errorf(EINVALID, "err.session.already_acquired", "{{.Block}} is already acquired (déjà acquis): it is not examined", map[string]any{"Block": b.Short})
	case !sc.Sits(b.Code):
		return nil, nil, Errorf(EINVALID, "err.session.not_sat", "{{.Candidate}} does not sit {{.Block}} in this session", map[string]any{"Candidate": sc.Candidate.DisplayName(), "Block": b.Short})
	}
	return sc, b, nil
}

// ProposeResult is ProposeResult for a registered candidate; ENOTFOUND if
// the candidate is not registered.
func (s *Session) ProposeResult(ref *Referentiel, candidateID int64, decisions []BlockDecision) (OverallResult, error) {
	sc := s.Candidate(candidateID)
	if sc == nil {
		return OverallResult{}, Errorf(ENOTFOUND, "err.session.candidate_unknown", "the candidate is not registered in this session", nil)
	}
	return ProposeResult(ref, s.Kind, s.Scope, sc, decisions), nil
}

// SessionSummary is a session's line in a list.
type SessionSummary struct {
	ID                 int64
	Kind               SessionKind
	Scope              Scope
	Reference          string
	StartDate, EndDate Date
	Place              string
	TrainingCentre     string
	Candidates         int
	Started, Signed    bool
}

// SessionFilter selects sessions; zero fields select everything.
type SessionFilter struct {
	Kind     SessionKind
	From, To Date // sessions overlapping [From, To]
	Limit    int  // 0: no limit
}

// SessionService stores sessions, their candidates and their jury.
// Every method returns EFORBIDDEN when the actor's role does not allow it.
type SessionService interface {
	// FindSessions returns the sessions matching f, latest first.
	FindSessions(ctx context.Context, a Actor, f SessionFilter) ([]SessionSummary, error)
	// Session returns one session with its candidates and jury. ENOTFOUND.
	Session(ctx context.Context, a Actor, id int64) (*Session, error)
	// CreateSession checks s (Validate, CheckReferentiel) and stores it,
	// setting its ID and its members' IDs. EINVALID.
	CreateSession(ctx context.Context, a Actor, s *Session) error
	// UpdateSession replaces the stored session s.ID, its candidates and
	// jury. ENOTFOUND, EINVALID, ELOCKED once the PV is signed.
	UpdateSession(ctx context.Context, a Actor, s *Session) error
	// DeleteSession removes a session that has not started. ENOTFOUND,
	// ELOCKED once it has started or its PV is signed.
	DeleteSession(ctx context.Context, a Actor, id int64) error
	// StartSession records the start at the given time after CheckStart.
	// ENOTFOUND, EINVALID (the field errors of CheckStart: who is missing),
	// ELOCKED once the PV is signed.
	StartSession(ctx context.Context, a Actor, id int64, at time.Time) error
	// SetAbsent marks a registered candidate absent or present. ENOTFOUND,
	// ELOCKED once the PV is signed.
	SetAbsent(ctx context.Context, a Actor, sessionID, candidateID int64, absent bool) error
}

// EvaluationService stores what happens during a session: the timers of the
// épreuves, the grids and the per-block decisions. Every method returns
// EFORBIDDEN when the actor's role does not allow it, and ENOTFOUND when the
// session or the candidate does not exist.
type EvaluationService interface {
	// TimerEvents returns the events of one candidate's épreuve in
	// recording order (build the clock with NewTimer).
	TimerEvents(ctx context.Context, a Actor, sessionID, candidateID int64, trial string) ([]TimerEvent, error)
	// RecordTimerEvent appends e after Timer.Record accepted it. EINVALID
	// (not allowed in the timer's state, unknown épreuve), ELOCKED once the
	// PV is signed.
	RecordTimerEvent(ctx context.Context, a Actor, sessionID, candidateID int64, trial string, e TimerEvent) error
	// Grids returns every grid of a candidate: each member's and the
	// collegial one.
	Grids(ctx context.Context, a Actor, sessionID, candidateID int64) ([]Grid, error)
	// SaveGrid stores a grid, replacing the same member's grid for that
	// candidate and block. EINVALID (Grid.Validate, Session.CheckGrid),
	// EFORBIDDEN also for a member with a conflict of interest on the
	// candidate, ELOCKED once the PV is signed.
	SaveGrid(ctx context.Context, a Actor, sessionID int64, g *Grid) error
	// Decisions returns the jury's decisions on a candidate's blocks.
	Decisions(ctx context.Context, a Actor, sessionID, candidateID int64) ([]BlockDecision, error)
	// Decide records the jury's decision on one block, replacing an earlier
	// one. EINVALID (Session.CheckDecision: a non acquis without its reason,
	// a block not sat…), ELOCKED once the PV is signed.
	Decide(ctx context.Context, a Actor, sessionID int64, d *BlockDecision) error
}
